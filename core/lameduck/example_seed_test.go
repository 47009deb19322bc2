package lameduck_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/vitals-go/vitals/core/lameduck"
)

// The lame-duck seed package's Period(5*time.Second): the listener closes
// at once and in-flight requests get 5 s to finish. In this package that
// is DisablePeriod with DrainTimeout; drop DisablePeriod to serve through a
// period first, with readiness failing.
func Example_seedPeriod() {
	release := make(chan struct{})
	started := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		<-release
		fmt.Fprint(w, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	addr := ln.Addr().String()
	r, err := lameduck.NewRunner(lameduck.HTTPServer(&http.Server{Handler: mux}, ln), lameduck.Config{
		DisablePeriod: true,            // the seed has no serving period...
		DrainTimeout:  5 * time.Second, // ...its Period is the Shutdown deadline
		Signals:       []os.Signal{},   // this example calls Shutdown instead of sending SIGTERM
	})
	if err != nil {
		panic(err)
	}
	run := make(chan error, 1)
	go func() { run <- r.Run(context.Background()) }()
	<-r.Ready()

	inflight := make(chan string, 1)
	go func() {
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get("http://" + addr + "/slow")
		if err != nil {
			inflight <- "error"
			return
		}
		resp.Body.Close()
		inflight <- resp.Status
	}()
	<-started
	shutdown := make(chan error, 1)
	go func() { shutdown <- r.Stop(context.Background()) }()

	// The listener closes at once: new connections are refused...
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fmt.Println("new connections refused")
			break
		}
		c.Close()
	}
	// ...while the request in flight finishes within the drain timeout.
	close(release)
	fmt.Println("in flight:", <-inflight)
	fmt.Println("shutdown:", <-shutdown, "run:", <-run)
	// Output:
	// new connections refused
	// in flight: 200 OK
	// shutdown: <nil> run: <nil>
}

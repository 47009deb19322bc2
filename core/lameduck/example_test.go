package lameduck_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/vitals-go/vitals/core/lameduck"
)

// A server whose /ready fails as soon as the lame duck starts, while / is
// still served during the period. In a real program the OnLameDuck hook is
// the engine's EnterLameDuck, OnStopped its Stop, and SIGTERM (not a
// Stop call) starts the sequence.
func Example() {
	var lameDuck atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") })
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if lameDuck.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	entered := make(chan struct{})
	r, err := lameduck.NewRunner(lameduck.HTTPServer(&http.Server{Handler: mux}, ln), lameduck.Config{
		Period:  500 * time.Millisecond,
		Signals: []os.Signal{}, // this example calls Stop instead
		OnLameDuck: []func(){func() {
			lameDuck.Store(true)
			close(entered)
		}},
		OnStopped: []func(context.Context) error{func(context.Context) error {
			fmt.Println("stopped")
			return nil
		}},
	})
	if err != nil {
		panic(err)
	}
	run := make(chan error, 1)
	go func() { run <- r.Run(context.Background()) }()
	<-r.Ready()

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	show := func(path string) {
		resp, err := client.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			fmt.Println(path, "error")
			return
		}
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode)
	}
	show("/ready")

	shutdown := make(chan error, 1)
	go func() { shutdown <- r.Stop(context.Background()) }()
	<-entered
	show("/ready") // readiness fails at once...
	show("/")      // ...while the server still serves

	fmt.Println("shutdown:", <-shutdown)
	fmt.Println("run:", <-run)
	show("/")
	// Output:
	// /ready 200
	// /ready 503
	// / 200
	// stopped
	// shutdown: <nil>
	// run: <nil>
	// / error
}

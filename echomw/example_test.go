package echomw_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

// exampleEngine returns a started engine with a database check that
// fails and a process check in the liveness group, each checked once.
func exampleEngine() *core.Engine {
	e, err := core.New()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	_ = e.AddFunc(ctx, core.Component{Name: "db", Fall: 1} /* down at the first failure */, func(context.Context) error {
		return errors.New("dial tcp 10.0.0.5:5432: connection refused")
	})
	_ = e.AddFunc(ctx, core.Component{Name: "proc", Groups: []string{core.GroupLiveness}}, func(context.Context) error {
		return nil
	})
	if err := e.Start(ctx); err != nil {
		panic(err)
	}
	_ = e.ForceCheck(ctx)
	return e
}

// get sends a GET to h and prints the status and the body.
func get(h http.Handler, target string, header ...string) {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	fmt.Printf("GET %s: %d\n%s", target, rec.Code, body)
}

// New serves the endpoints as a plain http.Handler, for a service
// without echo; package echoroute registers the same on echo.
func ExampleNew() {
	e := exampleEngine()
	defer e.Stop(context.Background())

	h, err := echomw.New(e, echomw.Config{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	get(mux, "/livez?verbose")
	get(mux, "/ready/nope")
	// Output:
	// GET /livez?verbose: 200
	// [+]proc ok
	// health check passed
	// GET /ready/nope: 404
	// 404 no readiness check named "nope"; readiness checks: db
}

// In lame duck /ready fails at once while /health stays up: the instance
// leaves the load balancer without being restarted. The engine's phase
// (Engine.EnterLameDuck) and the handler's switch have the same effect.
func ExampleHandler_SetLameDuck() {
	e, _ := core.New()
	defer e.Stop(context.Background())
	_ = e.Start(context.Background())

	h, err := echomw.New(e, echomw.Config{})
	if err != nil {
		panic(err)
	}
	get(h, "/ready", "Accept", "text/plain")
	h.SetLameDuck(true)
	get(h, "/ready", "Accept", "text/plain")
	get(h, "/health", "Accept", "text/plain")
	// Output:
	// GET /ready: 200
	// ok
	// GET /ready: 503
	// lame duck: shutting down
	// GET /health: 200
	// ok
}

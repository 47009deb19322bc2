package echomw_test

import (
	"context"
	"net/http"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/internal/exampletest"
)

// New serves the endpoints as a plain http.Handler, for a service
// without echo; package echoroute registers the same on echo.
func ExampleNew() {
	e := exampletest.Engine()
	defer e.Stop(context.Background())

	h, err := echomw.New(e, echomw.Config{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	exampletest.Get(mux, "/livez?verbose")
	exampletest.Get(mux, "/ready/nope")
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
	exampletest.Get(h, "/ready", "Accept", "text/plain")
	h.SetLameDuck(true)
	exampletest.Get(h, "/ready", "Accept", "text/plain")
	exampletest.Get(h, "/health", "Accept", "text/plain")
	// Output:
	// GET /ready: 200
	// ok
	// GET /ready: 503
	// lame duck: shutting down
	// GET /health: 200
	// ok
}

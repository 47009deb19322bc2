package echoroute_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/echoroute"
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

// Register adds /health, /ready, /jobs, the per-check paths, the
// Kubernetes aliases and /status to an echo instance.
func ExampleRegister() {
	e := exampleEngine()
	defer e.Stop(context.Background())

	ec := echo.New()
	if err := echoroute.Register(ec, e); err != nil {
		panic(err)
	}
	get(ec, "/health", "Accept", "text/plain")
	get(ec, "/ready", "Accept", "text/plain")
	get(ec, "/readyz?verbose")
	// Output:
	// GET /health: 200
	// ok
	// GET /ready: 503
	// db: down
	// GET /readyz?verbose: 503
	// [-]db failed: down
	// ready check failed
}

// With a token configured, a request that presents it sees the messages
// the public answer withholds.
func ExampleRegisterWithConfig() {
	e := exampleEngine()
	defer e.Stop(context.Background())

	ec := echo.New()
	err := echoroute.RegisterWithConfig(ec.Group("/internal"), e, echomw.Config{
		ReadyPath:             "/readiness",
		UnavailableStatusCode: http.StatusInternalServerError,
		Token:                 "s3cret",
	})
	if err != nil {
		panic(err)
	}
	get(ec, "/internal/readiness/db", "Accept", "text/plain")
	get(ec, "/internal/readiness/db", "Accept", "text/plain", "Authorization", "Bearer s3cret")
	// Output:
	// GET /internal/readiness/db: 500
	// db: down
	// GET /internal/readiness/db: 500
	// db: down: dial tcp 10.0.0.5:5432: connection refused
}

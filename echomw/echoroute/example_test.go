package echoroute_test

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/echoroute"
	"github.com/vitals-go/vitals/internal/exampletest"
)

// Register adds /health, /ready, /jobs, the per-check paths, the
// Kubernetes aliases and /status to an echo instance.
func ExampleRegister() {
	e := exampletest.Engine()
	defer e.Stop(context.Background())

	ec := echo.New()
	if err := echoroute.Register(ec, e); err != nil {
		panic(err)
	}
	exampletest.Get(ec, "/health", "Accept", "text/plain")
	exampletest.Get(ec, "/ready", "Accept", "text/plain")
	exampletest.Get(ec, "/readyz?verbose")
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
	e := exampletest.Engine()
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
	exampletest.Get(ec, "/internal/readiness/db", "Accept", "text/plain")
	exampletest.Get(ec, "/internal/readiness/db", "Accept", "text/plain", "Authorization", "Bearer s3cret")
	// Output:
	// GET /internal/readiness/db: 500
	// db: down
	// GET /internal/readiness/db: 500
	// db: down: dial tcp 10.0.0.5:5432: connection refused
}

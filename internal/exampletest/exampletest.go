// Package exampletest holds what Vitals' testable examples (Example
// functions of echomw and echomw/echoroute) share: an engine with a
// failing and a passing check, and a request that prints its answer.
// It is for Vitals' own examples; it imports the standard library and
// core only.
package exampletest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testhttp"
)

// Engine returns a started engine with a database check, "db", that
// fails ("dial tcp 10.0.0.5:5432: connection refused", down at the first
// failure) and a process check, "proc", in the liveness group that
// passes, each checked once. It panics on an error (examples have no
// testing.T); the caller stops the engine.
func Engine() *core.Engine {
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

// Get sends a GET for target to h, with the header given as name, value
// pairs (testhttp.Do), and prints "GET target: status" and the body.
func Get(h http.Handler, target string, header ...string) {
	res, body := testhttp.Do(h, http.MethodGet, target, header...)
	fmt.Printf("GET %s: %d\n%s", target, res.StatusCode, body)
}

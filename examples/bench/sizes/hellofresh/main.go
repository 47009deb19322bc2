// Command hellofresh is the size section's base plus
// github.com/hellofresh/health-go/v5 with one check.
package main

import (
	"context"
	"net/http"

	health "github.com/hellofresh/health-go/v5"
)

func main() {
	h, err := health.New(health.WithComponent(health.Component{Name: "svc", Version: "v1"}),
		health.WithChecks(health.Config{Name: "db", Check: func(context.Context) error { return nil }}))
	if err != nil {
		panic(err)
	}
	_ = http.ListenAndServe("127.0.0.1:0", h.Handler())
}

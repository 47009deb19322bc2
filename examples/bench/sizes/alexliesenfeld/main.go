// Command alexliesenfeld is the size section's base plus
// github.com/alexliesenfeld/health with one periodic check.
package main

import (
	"context"
	"net/http"
	"time"

	"github.com/alexliesenfeld/health"
)

func main() {
	checker := health.NewChecker(health.WithPeriodicCheck(10*time.Second, 0, health.Check{Name: "db", Check: func(context.Context) error { return nil }}))
	_ = http.ListenAndServe("127.0.0.1:0", health.NewHandler(checker))
}

// Command sundheit is the size section's base plus
// github.com/AppsFlyer/go-sundheit with one check.
package main

import (
	"context"
	"net/http"
	"time"

	gosundheit "github.com/AppsFlyer/go-sundheit"
	"github.com/AppsFlyer/go-sundheit/checks"
	healthhttp "github.com/AppsFlyer/go-sundheit/http"
)

func main() {
	h := gosundheit.New()
	c := &checks.CustomCheck{CheckName: "db", CheckFunc: func(context.Context) (any, error) { return nil, nil }}
	if err := h.RegisterCheck(c, gosundheit.ExecutionPeriod(10*time.Second)); err != nil {
		panic(err)
	}
	_ = http.ListenAndServe("127.0.0.1:0", healthhttp.HandleHealthJSON(h))
}

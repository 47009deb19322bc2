// Command vitals is the size section's base plus Vitals' engine and its
// net/http readiness handler (core, echomw).
package main

import (
	"context"
	"net/http"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

func main() {
	eng, err := core.New(core.WithComponents(core.Component{Name: "db", Provider: "tcp", Config: map[string]any{"address": "127.0.0.1:5432"}}))
	if err != nil {
		panic(err)
	}
	if err := eng.Start(context.Background()); err != nil {
		panic(err)
	}
	h, err := echomw.New(eng, echomw.Config{})
	if err != nil {
		panic(err)
	}
	_ = http.ListenAndServe("127.0.0.1:0", h)
}

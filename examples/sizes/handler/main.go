// Command handler is a reference main of the size check (.ci/sizes.sh):
// the core main of examples/sizes/core with echomw's net/http handler in
// place of the hand-written endpoint, the status page off (the zero Config).
package main

import (
	"context"
	"log"
	"net/http"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

func main() {
	eng, err := core.New(core.WithProviders(&core.HTTPProvider{}, &core.TCPProvider{}))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := eng.AddFunc(ctx, core.Component{Name: "self"}, func(context.Context) error { return nil }); err != nil {
		log.Fatal(err)
	}
	if err := eng.Start(ctx); err != nil {
		log.Fatal(err)
	}
	h, err := echomw.New(eng, echomw.Config{})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
}

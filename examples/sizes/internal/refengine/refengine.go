// Package refengine starts the engine of the reference mains of the size
// check (.ci/sizes.sh), so that examples/sizes/core and
// examples/sizes/handler differ only in how they answer /ready.
package refengine

import (
	"context"
	"log"

	"github.com/vitals-go/vitals/core"
)

// Start returns a started engine with the HTTP and TCP providers and one
// component, "self", that always passes; it exits the program on an error.
func Start() *core.Engine {
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
	return eng
}

package grpchealth_test

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/grpchealth"
)

// The gRPC service names an engine is served under, and their statuses.
func ExampleStatuses() {
	e, _ := core.New()
	defer e.Stop(context.Background())
	ok := func(context.Context) error { return nil }
	_ = e.AddFunc(context.Background(), core.Component{Name: "db"}, ok)
	_ = e.AddFunc(context.Background(), core.Component{Name: "queue", Groups: []string{"workers"}}, ok)
	_ = e.Start(context.Background())
	_ = e.ForceCheck(context.Background())

	st := grpchealth.Statuses(e.Snapshot())
	for _, name := range slices.Sorted(maps.Keys(st)) {
		fmt.Printf("%q: %v\n", name, st[name])
	}
	e.EnterLameDuck()
	fmt.Println("lame duck:", grpchealth.Statuses(e.Snapshot())[""])
	// Output:
	// "": SERVING
	// "component/db": SERVING
	// "component/queue": SERVING
	// "liveness": SERVING
	// "readiness": SERVING
	// "workers": SERVING
	// lame duck: NOT_SERVING
}

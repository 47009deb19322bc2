package core_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vitals-go/vitals/core"
)

// BenchmarkSync10000 syncs 10,000 components of which 100 change each
// time (config only): the cost of a reconcile pass at the scale of
// issue 15.
func BenchmarkSync10000(b *testing.B) {
	p := newScripted("scripted")
	e, err := core.New(core.WithProviders(p), core.WithJitter(0))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Stop(context.Background())
	desired := make([]core.Component, 10000)
	for i := range desired {
		desired[i] = manual(fmt.Sprintf("c%05d", i))
	}
	if _, err := e.Sync(context.Background(), desired); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for j := range 100 {
			c := &desired[(i*100+j)%len(desired)]
			c.Config = map[string]any{"round": i}
		}
		res, err := e.Sync(context.Background(), desired)
		if err != nil || len(res.Updated) != 100 {
			b.Fatalf("%d updated, %v", len(res.Updated), err)
		}
	}
}

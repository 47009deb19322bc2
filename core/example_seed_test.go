package core_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitals-go/vitals/core"
)

// The monitor seed's SyncTargets, RecordResult and GetStats: Sync makes
// the components the discovered targets in one call, a result checked
// elsewhere is pushed with RecordResult, and Stats counts.
func ExampleEngine_Sync() {
	ctx := context.Background()
	e, err := core.New(core.WithProviders(&core.TCPProvider{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Stop(ctx)
	target := func(id, addr string) core.Component {
		c := core.TCPConfig{Address: addr}.Component(id)
		c.Interval, c.Fall, c.Rise = 15*time.Second, 1, 1
		return c
	}
	// Discovery found two containers (names up to 253 characters: IDs fit).
	res, err := e.Sync(ctx, []core.Component{
		target("3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899", "10.0.0.7:8080"),
		target("web-2", "10.0.0.8:8080"),
	})
	fmt.Println(res.Added, err)
	// web-2 moved; the first one is gone.
	res, err = e.Sync(ctx, []core.Component{target("web-2", "10.0.0.9:8080")})
	fmt.Println(res.Updated, len(res.Removed), err)

	// A result produced outside the engine.
	rec, err := e.RecordResult("web-2", core.Result{State: core.StateDown, Message: "HTTP 503"})
	fmt.Println(rec.State, err)
	s := e.Stats()
	fmt.Println(s.Components, s.Healthy(), s.Unhealthy(), s.Pushed)
	// Output:
	// [3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899 web-2] <nil>
	// [web-2] 1 <nil>
	// down <nil>
	// 1 0 1 1
}

// A TTL component, as Consul's TTL checks: a nightly job reports its
// result; with no report for 26 hours the component is Down ("last
// report 26h0m0s ago (ttl 26h0m0s)").
func ExampleTTLConfig() {
	ctx := context.Background()
	e, err := core.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Stop(ctx)
	c := core.TTLConfig{TTL: 26 * time.Hour}.Component("nightly-import")
	c.Rise = 1
	if err := e.Add(ctx, c); err != nil {
		fmt.Println(err)
		return
	}
	// At the end of each run, the job reports:
	rec, err := e.RecordResult("nightly-import", core.Result{State: core.StateUp, Message: "imported 1200 rows"})
	fmt.Println(rec.State, rec.Message, err)
	// Output: up imported 1200 rows <nil>
}

package core_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/vitals-go/vitals/core"
)

// queueDepth is a custom provider: it reports a queue's depth, degraded
// past the component's "warn" config value.
type queueDepth struct{ depth func() int }

func (queueDepth) Name() string { return "queue" }

func (q queueDepth) Check(ctx context.Context, c core.Component) core.Result {
	warn, _ := c.Config["warn"].(int)
	n := q.depth()
	res := core.Result{State: core.StateUp, Message: fmt.Sprintf("%d queued", n), Details: map[string]any{"depth": n}}
	if n > warn {
		res.State = core.StateDegraded
	}
	return res
}

// A custom provider is registered on the engine by its name; a component
// selects it with its Provider field and passes it Config.
func Example_customProvider() {
	ctx := context.Background()
	e, err := core.New(core.WithProviders(queueDepth{depth: func() int { return 120 }}))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = e.Add(ctx, core.Component{Name: "jobs-queue", Provider: "queue", Config: map[string]any{"warn": 100}, Fall: 1, Rise: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := e.Check(ctx, "jobs-queue")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.State, res.Message, res.Details["depth"])
	// Output: degraded 120 queued 120
}

// Subscribe delivers every change of a component's published state, with
// the snapshot right after it; delivery never blocks the engine.
func ExampleEngine_Subscribe() {
	ctx := context.Background()
	var failing atomic.Bool
	e, err := core.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	err = e.AddFunc(ctx, core.Component{Name: "cache", Interval: time.Hour, Fall: 1, Rise: 1}, func(context.Context) error {
		if failing.Load() {
			return errors.New("cache unreachable")
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sub := e.Subscribe(8)
	defer sub.Close()
	_, _ = e.Check(ctx, "cache")
	failing.Store(true)
	_, _ = e.Check(ctx, "cache")
	for range 2 {
		ev := <-sub.C()
		fmt.Printf("%s: %s -> %s %q\n", ev.Component, ev.From, ev.To, ev.Check.Message)
	}
	// Output:
	// cache: unknown -> up ""
	// cache: up -> down "cache unreachable"
}

// WaitForReady blocks until every component of a group passes readiness
// (an app waits so before it takes traffic), or returns a *NotReadyError
// naming the ones that do not when its context ends first.
func ExampleEngine_WaitForReady() {
	ctx := context.Background()
	e, err := core.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	var indexed atomic.Bool
	_ = e.AddFunc(ctx, core.Component{Name: "db", Interval: time.Hour, Fall: 1, Rise: 1}, func(context.Context) error { return nil })
	_ = e.AddFunc(ctx, core.Component{Name: "search", Interval: time.Hour, Fall: 1, Rise: 1}, func(context.Context) error {
		if !indexed.Load() {
			return errors.New("no index")
		}
		return nil
	})
	if err := e.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = e.Stop(context.Background()) }()
	_ = e.ForceCheck(ctx)

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	var nr *core.NotReadyError
	if err := e.WaitForReady(short, core.GroupReadiness); errors.As(err, &nr) {
		fmt.Println("not ready:", nr.NotReady)
	}

	indexed.Store(true)
	_, _ = e.Check(ctx, "search")
	wait, cancel2 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel2()
	fmt.Println("wait:", e.WaitForReady(wait, core.GroupReadiness))
	// Output:
	// not ready: map[search:down]
	// wait: <nil>
}

// EnterLameDuck makes readiness fail at once, while the checks and the
// server go on, so that load balancers route elsewhere before the server
// stops (package core/lameduck runs the whole sequence on SIGTERM).
func ExampleEngine_EnterLameDuck() {
	ctx := context.Background()
	e, err := core.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = e.AddFunc(ctx, core.Component{Name: "db", Interval: time.Hour, Fall: 1, Rise: 1}, func(context.Context) error { return nil })
	if err := e.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = e.Stop(context.Background()) }()
	_ = e.ForceCheck(ctx)
	fmt.Println("ready:", e.Snapshot().Ready(), e.Phase())
	e.EnterLameDuck()
	s := e.Snapshot()
	fmt.Println("ready:", s.Ready(), s.Phase, "healthy:", s.State)
	// Output:
	// ready: true serving
	// ready: false lameduck healthy: up
}

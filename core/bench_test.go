package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
)

// benchEngine returns an engine that is not started (no background
// checks), with the given providers, stopped when the benchmark ends.
func benchEngine(b *testing.B, opts ...core.Option) *core.Engine {
	b.Helper()
	e, err := core.New(append([]core.Option{core.WithJitter(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			b.Error(err)
		}
	})
	return e
}

// BenchmarkSnapshotRead measures what a /health or /ready request costs the
// engine: load the snapshot, read the overall and readiness state and one
// component, from every P at once, with 1,000 components checked. "busy"
// publishes new snapshots from running checks during the reads.
func BenchmarkSnapshotRead(b *testing.B) {
	for _, busy := range []bool{false, true} {
		b.Run(fmt.Sprintf("components=1000/busy=%v", busy), func(b *testing.B) {
			p := newScripted("scripted")
			e := benchEngine(b, core.WithProviders(p))
			for i := range 1000 {
				c := manual(fmt.Sprintf("c%04d", i))
				if i%2 == 0 {
					c.Groups = []string{core.GroupReadiness, core.GroupLiveness}
				}
				if err := e.Add(context.Background(), c); err != nil {
					b.Fatal(err)
				}
			}
			if err := e.ForceCheck(context.Background()); err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			stop := make(chan struct{})
			if busy {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := e.Check(context.Background(), fmt.Sprintf("c%04d", i%1000)); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				n := 0
				for pb.Next() {
					s := e.Snapshot()
					if s.State == core.StateDown || !s.Group(core.GroupReadiness).State.Healthy() {
						b.Error("unexpected state")
					}
					if _, ok := s.Get("c0500"); !ok {
						b.Error("component missing")
					}
					n++
				}
			})
			b.StopTimer()
			close(stop)
			wg.Wait()
		})
	}
}

// BenchmarkRound1000TCP measures one ForceCheck round of 1,000 tcp
// components against one local listener: dial, connect, close, hysteresis,
// and the batched publication of RunAll (recordBatched: a publication,
// O(components), at most every publishGap while results come in and once
// at the end, not one per result). The concurrency bound is 256, so up to
// 256 connects are in flight.
func BenchmarkRound1000TCP(b *testing.B) {
	addr := testnet.AcceptAndClose(b)

	e := benchEngine(b, core.WithProviders(&core.TCPProvider{}), core.WithConcurrency(256))
	for i := range 1000 {
		err := e.Add(context.Background(), core.Component{
			Name:     fmt.Sprintf("tcp%04d", i),
			Provider: "tcp",
			Config:   map[string]any{"address": addr},
			Interval: time.Hour,
			Timeout:  10 * time.Second,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := e.ForceCheck(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/check")
	s := e.Snapshot()
	for _, cs := range s.Components {
		if cs.Result.State != core.StateUp {
			b.Fatalf("%s: %s %q", cs.Component.Name, cs.Result.State, cs.Result.Message)
		}
	}
}

// BenchmarkTCPProvider1000 is BenchmarkRound1000TCP without the engine:
// 1,000 checks of the tcp provider alone against one local listener, 256
// at a time. The difference between the two is the engine's share of a
// round (scheduling, hysteresis, snapshot rebuilds).
func BenchmarkTCPProvider1000(b *testing.B) {
	addr := testnet.AcceptAndClose(b)

	p := &core.TCPProvider{}
	c := core.Component{Name: "tcp", Provider: "tcp", Config: map[string]any{"address": addr}}
	b.ReportAllocs()
	for b.Loop() {
		work := make(chan struct{})
		var wg sync.WaitGroup
		for range 256 {
			wg.Go(func() {
				for range work {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					res := p.Check(ctx, c)
					cancel()
					if res.State != core.StateUp {
						b.Errorf("%s %q", res.State, res.Message)
					}
				}
			})
		}
		for range 1000 {
			work <- struct{}{}
		}
		close(work)
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/check")
}

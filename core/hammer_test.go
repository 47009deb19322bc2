package core_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// TestHammer runs adds, updates, removes, snapshot reads, forced checks and
// subscriptions concurrently with background checks, for the race detector.
func TestHammer(t *testing.T) {
	e, p := newEngine(t, core.WithConcurrency(4))
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("w%d-%d", w, i%8)
				c := core.Component{Name: name, Provider: "scripted", Interval: time.Millisecond, Timeout: 50 * time.Millisecond, Fall: 1, Rise: 1}
				switch rand.IntN(5) {
				case 0:
					_ = e.Add(ctx, c)
				case 1:
					c.Groups = []string{"g", core.GroupReadiness}
					_ = e.Update(ctx, c)
				case 2:
					_ = e.Remove(ctx, name)
				case 3:
					_, _ = e.Check(ctx, name)
				case 4:
					p.SetState(name, core.State(rand.IntN(4)))
				}
			}
		})
	}
	wg.Go(func() {
		for ctx.Err() == nil {
			s := e.Snapshot()
			for _, cs := range s.Components {
				if got, ok := s.Get(cs.Component.Name); !ok || got.Component.Name != cs.Component.Name {
					t.Error("snapshot index inconsistent")
					return
				}
			}
			_ = s.Ready()
		}
	})
	wg.Go(func() {
		for ctx.Err() == nil {
			_ = e.ForceCheck(ctx)
		}
	})
	wg.Go(func() {
		for ctx.Err() == nil {
			sub := e.Subscribe(1)
			time.Sleep(time.Millisecond)
			sub.Close()
		}
	})
	wg.Wait()
}

package core_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// scripted is a provider whose next result per component is set by the test.
type scripted struct {
	name  string
	mu    sync.Mutex
	state map[string]core.State
	calls atomic.Int64
}

func newScripted(name string) *scripted {
	return &scripted{name: name, state: map[string]core.State{}}
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) set(component string, st core.State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[component] = st
}

func (s *scripted) Check(_ context.Context, c core.Component) core.Check {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state[c.Name]
	if !ok {
		st = core.StateUp
	}
	return core.Check{State: st, Message: "scripted " + st.String()}
}

// manual returns components that never run on their own within a test: a
// long interval, so the test drives every check with Run.
func manual(name string, groups ...string) core.Component {
	return core.Component{Name: name, Provider: "scripted", Interval: time.Hour, Timeout: time.Second, Groups: groups}
}

func newEngine(t *testing.T, opts ...core.Option) (*core.Engine, *scripted) {
	t.Helper()
	p := newScripted("scripted")
	e, err := core.New(append([]core.Option{core.WithProviders(p), core.WithJitter(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return e, p
}

func mustRun(t *testing.T, e *core.Engine, name string) core.Check {
	t.Helper()
	c, err := e.Run(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustAdd(t *testing.T, e *core.Engine, c core.Component) {
	t.Helper()
	if err := e.Add(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

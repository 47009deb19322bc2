package echomw_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/echoroute"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// scripted is a provider whose next result per component is set by the
// test; components it holds do not answer until the engine stops.
type scripted struct {
	name    string
	mu      sync.Mutex
	results map[string]core.Check
	held    map[string]bool
	callsOf map[string]int
	calls   atomic.Int64
}

func newScripted(name string) *scripted {
	return &scripted{name: name, results: map[string]core.Check{}, held: map[string]bool{}, callsOf: map[string]int{}}
}

func (s *scripted) Name() string { return s.name }

// set scripts the next results of component.
func (s *scripted) set(component string, st core.State, msg string, details map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results[component] = core.Check{State: st, Message: msg, Details: details}
}

// hold makes the component's checks wait for the engine to stop: it stays
// without a result.
func (s *scripted) hold(component string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held[component] = true
}

func (s *scripted) Check(ctx context.Context, c core.Component) core.Check {
	s.calls.Add(1)
	s.mu.Lock()
	s.callsOf[c.Name]++
	held := s.held[c.Name]
	res, ok := s.results[c.Name]
	s.mu.Unlock()
	if held {
		<-ctx.Done()
		return core.Check{State: core.StateDown, Message: "held", Err: ctx.Err()}
	}
	if !ok {
		res = core.Check{State: core.StateUp, Message: "scripted up"}
	}
	return res
}

// comp is a component the test drives: checked once at start and then only
// by ForceCheck; fall and rise 1 so that every result is published as is.
func comp(name string, groups ...string) core.Component {
	return core.Component{Name: name, Provider: "scripted", Interval: time.Hour, Timeout: time.Minute, Fall: 1, Rise: 1, Groups: groups}
}

// newEngine returns an engine with the scripted provider and the given
// components, not started; it is stopped when the test ends.
func newEngine(t testing.TB, comps ...core.Component) (*core.Engine, *scripted) {
	t.Helper()
	p := newScripted("scripted")
	e, err := core.New(core.WithProviders(p), core.WithJitter(0), core.WithComponents(comps...))
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

// start starts e and forces a check of every component p does not hold,
// once the first check of each scheduling loop has begun (has ended, for
// other providers' components): no loop checks anything after start
// returns, so the snapshot stays as it is.
func start(t testing.TB, e *core.Engine, p *scripted) {
	t.Helper()
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range e.Components() {
		for {
			p.mu.Lock()
			n := p.callsOf[c.Name]
			p.mu.Unlock()
			if n > 0 {
				break
			}
			// Another provider's: its loop has published its first result.
			if cs, _ := e.Snapshot().Get(c.Name); c.Provider != p.name && cs.Checked {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("component %q: the scheduling loop did not check it", c.Name)
			}
			time.Sleep(time.Millisecond)
		}
	}
	force(t, e, p)
}

// force checks now every component p does not hold.
func force(t testing.TB, e *core.Engine, p *scripted) {
	t.Helper()
	for _, c := range e.Components() {
		p.mu.Lock()
		held := p.held[c.Name]
		p.mu.Unlock()
		if held {
			continue
		}
		if _, err := e.Run(context.Background(), c.Name); err != nil {
			t.Fatal(err)
		}
	}
}

// response is what a request got.
type response struct {
	code   int
	header http.Header
	body   string
}

// do sends a request to h.
func do(t testing.TB, h http.Handler, method, target string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return response{code: res.StatusCode, header: res.Header, body: string(b)}
}

// newEcho returns an echo instance with e's endpoints registered under cfg.
func newEcho(t testing.TB, e *core.Engine, cfg echomw.Config) *echo.Echo {
	t.Helper()
	ec := echo.New()
	if err := echoroute.RegisterWithConfig(ec, e, cfg); err != nil {
		t.Fatal(err)
	}
	return ec
}

// newEchoEmpty returns an echo instance without routes.
func newEchoEmpty() *echo.Echo { return echo.New() }

// statusCfg is a status page configuration with the given history.
func statusCfg(history int) statuspage.Config { return statuspage.Config{History: history} }

package echomw_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/internal/testhttp"
)

// set scripts the next results of component.
func set(p *coretest.Provider, component string, st core.State, msg string, details map[string]any) {
	p.Set(component, core.Result{State: st, Message: msg, Details: details})
}

// comp is a component the test drives: checked once at start and then only
// by ForceCheck; fall and rise 1 so that every result is published as is.
func comp(name string, groups ...string) core.Component {
	return core.Component{Name: name, Provider: "scripted", Interval: time.Hour, Timeout: time.Minute, Fall: 1, Rise: 1, Groups: groups}
}

// newEngine returns an engine with the scripted provider and the given
// components, not started; it is stopped when the test ends.
func newEngine(t testing.TB, comps ...core.Component) (*core.Engine, *coretest.Provider) {
	t.Helper()
	return coretest.NewEngine(t, core.WithComponents(comps...))
}

// start starts e and forces a check of every component p does not hold,
// once the first check of each scheduling loop has begun (has ended, for
// other providers' components): no loop checks anything after start
// returns, so the snapshot stays as it is.
func start(t testing.TB, e *core.Engine, p *coretest.Provider) {
	t.Helper()
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range e.Components() {
		for {
			if p.CallsOf(c.Name) > 0 {
				break
			}
			// Another provider's: its loop has published its first result.
			if cs, _ := e.Snapshot().Get(c.Name); c.Provider != p.Name() && cs.Checked {
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
func force(t testing.TB, e *core.Engine, p *coretest.Provider) {
	t.Helper()
	for _, c := range e.Components() {
		if p.Held(c.Name) {
			continue
		}
		if _, err := e.Check(context.Background(), c.Name); err != nil {
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
	res, body := testhttp.Do(h, method, target, header...)
	return response{code: res.StatusCode, header: res.Header, body: body}
}

// statusCfg is a status page configuration with the given history.
func statusCfg(history int) statuspage.Config { return statuspage.Config{History: history} }

// firstLine returns the first line of s.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

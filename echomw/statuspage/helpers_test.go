package statuspage_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/html"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/internal/testhttp"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// result is one scripted outcome of a check.
type result struct {
	state core.State
	msg   string
}

// scripted returns, per component, the results queued by the test in order,
// then Up once the queue is empty (coretest.Provider).
type scripted = coretest.Provider

func newScripted() *scripted {
	p := coretest.NewProvider(coretest.ProviderName)
	p.SetDefault(core.Result{State: core.StateUp})
	return p
}

// comp is a component that only runs when the test says so (an hour's
// interval) and publishes every result as it is (fall = rise = 1).
func comp(name string, groups ...string) core.Component {
	return core.Component{Name: name, Provider: "scripted", Interval: time.Hour, Timeout: time.Second, Fall: 1, Rise: 1, Groups: groups}
}

// history is the engine's check store in these tests: the engine's own
// records are ignored and the test writes the history it wants with play.
// (Back-to-back Engine.Run calls can report "previous check is still
// running", so tests do not build histories by running checks.)
type history struct{ *core.MemoryStore }

func (history) RecordResult(context.Context, core.Result) error { return nil }

func newEngine(t *testing.T, comps ...core.Component) (*core.Engine, *scripted, *core.MemoryStore) {
	t.Helper()
	return newEngineWith(t, nil, comps...)
}

func newEngineWith(t *testing.T, opts []core.Option, comps ...core.Component) (*core.Engine, *scripted, *core.MemoryStore) {
	t.Helper()
	store := core.NewMemoryStore(5000)
	e, p := coretest.NewEngine(t, append([]core.Option{core.WithComponents(comps...), core.WithStores(nil, history{store})}, opts...)...)
	p.SetDefault(core.Result{State: core.StateUp})
	return e, p, store
}

// play writes rs as the history of component, one result every 10s up to
// now, and publishes the last one by running a check.
func play(t *testing.T, e *core.Engine, p *scripted, store *core.MemoryStore, component string, rs ...result) {
	t.Helper()
	now := time.Now()
	for i, r := range rs {
		err := store.RecordResult(context.Background(), core.Result{
			Component: component, State: r.state, Observed: r.state, Message: r.msg,
			Time:     now.Add(time.Duration(i+1-len(rs)) * 10 * time.Second),
			Duration: time.Duration(1+(i*7919)%97) * time.Millisecond / 3,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	last := rs[len(rs)-1]
	for {
		p.Push(component, core.Result{State: last.state, Message: last.msg})
		c, err := e.Check(context.Background(), component)
		if err != nil {
			t.Fatal(err)
		}
		if c.Message == last.msg {
			return
		}
		// The engine still thinks the previous check runs: try again.
		time.Sleep(time.Millisecond)
	}
}

func repeat(n int, st core.State, msg string) []result {
	out := make([]result, n)
	for i := range out {
		out[i] = result{st, msg}
	}
	return out
}

func concat(rs ...[]result) []result {
	var out []result
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}

// startServing starts e, opens readiness and waits until the first
// (scheduled) check of every component is published, so that what the test
// plays next comes after it.
func startServing(t *testing.T, e *core.Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.Serve()
	for {
		changed := e.Changed()
		all := true
		for _, cs := range e.Snapshot().Components {
			all = all && cs.Checked
		}
		if all {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatal("components were not checked after start")
		}
	}
}

func mustNew(t *testing.T, e *core.Engine, cfg statuspage.Config) http.Handler {
	t.Helper()
	h, err := statuspage.New(e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// get serves one request and returns the response and its body.
func get(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	return testhttp.Do(h, method, target)
}

// render GETs the page and parses it.
func render(t *testing.T, h http.Handler, target string) (*html.Node, string) {
	t.Helper()
	res, body := get(t, h, http.MethodGet, target)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", target, res.Status, body)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc, body
}

// Minimal DOM queries over x/net/html.

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	for _, c := range strings.Fields(v) {
		if c == class {
			return true
		}
	}
	return false
}

// findAll returns the elements under n (n included) that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func find(t *testing.T, n *html.Node, what string, match func(*html.Node) bool) *html.Node {
	t.Helper()
	all := findAll(n, match)
	if len(all) != 1 {
		t.Fatalf("%s: found %d elements, want 1", what, len(all))
	}
	return all[0]
}

func byID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { v, ok := attr(n, "id"); return ok && v == id }
}

func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func byClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, class) }
}

// text is the text content of n with runs of white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// row is what a test reads from one component's table row.
type row struct {
	node     *html.Node
	state    string
	cells    []string // data-state of each history cell, oldest first
	pads     int
	uptime   string
	message  string
	critical string
	groups   string
	last     string
}

func rows(t *testing.T, doc *html.Node) map[string]row {
	t.Helper()
	out := map[string]row{}
	for _, tr := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "data-component"); return ok && n.Data == "tr" }) {
		name, _ := attr(tr, "data-component")
		r := row{node: tr}
		r.state, _ = attr(tr, "data-state")
		for _, li := range findAll(tr, byClass("cell")) {
			st, _ := attr(li, "data-state")
			r.cells = append(r.cells, st)
		}
		r.pads = len(findAll(tr, byClass("pad")))
		cell := func(class string) string {
			return text(find(t, tr, name+" ."+class, func(n *html.Node) bool { return n.Data == "td" && hasClass(n, class) }))
		}
		r.uptime = cell("uptime")
		r.message = cell("message")
		r.critical = cell("critical")
		r.groups = cell("groups")
		r.last = cell("last")
		if _, dup := out[name]; dup {
			t.Fatalf("component %s: two rows", name)
		}
		out[name] = r
	}
	return out
}

package statuspage_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/internal/testerr"
)

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>&amp;`

// fixture is an engine with one component in each state:
//
//	api    up, 10 up results                       (readiness, liveness)
//	cache  non-critical, degraded: 3 up, 1 degraded
//	db     down: 6 up, 4 down                      (critical)
//	queue  never checked
//	search up, with a hostile message: 2 down, 2 up
func fixture(t *testing.T) *core.Engine {
	t.Helper()
	cache := comp("cache")
	cache.NonCritical = true
	e, p, st := newEngine(t, comp("api", core.GroupReadiness, core.GroupLiveness), cache, comp("db"), comp("queue"), comp("search", "readiness", "search"))
	play(t, e, p, st, "api", repeat(10, core.StateUp, "HTTP 200")...)
	play(t, e, p, st, "cache", concat(repeat(3, core.StateUp, ""), repeat(1, core.StateDegraded, "hit ratio 41% < 60%"))...)
	play(t, e, p, st, "db", concat(repeat(6, core.StateUp, ""), repeat(4, core.StateDown, "dial tcp 10.0.0.7:5432: connect: connection refused"))...)
	play(t, e, p, st, "search", concat(repeat(2, core.StateDown, "boom"), repeat(2, core.StateUp, hostile))...)
	return e
}

func TestPageShowsComponentsStatesAndUptime(t *testing.T) {
	e := fixture(t)
	doc, body := render(t, mustNew(t, e, statuspage.Config{}), "/status")

	overall := find(t, doc, "#overall", byID("overall"))
	if st, _ := attr(overall, "data-state"); st != "down" {
		t.Errorf("overall data-state = %q, want down", st)
	}
	if got := text(overall); !strings.Contains(got, "Overall state: down") || !strings.Contains(got, "Needs attention: cache (degraded), db (down)") {
		t.Errorf("overall section = %q", got)
	}
	if got := text(find(t, doc, "#phase", byID("phase"))); !strings.HasPrefix(got, "idle") {
		t.Errorf("phase = %q, want idle", got)
	}
	if got := text(find(t, doc, "#counts", byID("counts"))); got != "1 down, 1 degraded, 1 unknown, 2 up" {
		t.Errorf("counts = %q", got)
	}
	if got := text(find(t, doc, "title", byTag("title"))); got != "Down · Vitals status" {
		t.Errorf("title = %q", got)
	}

	rs := rows(t, doc)
	var names []string
	for _, tr := range findAll(doc, byClass("component")) {
		n, _ := attr(tr, "data-component")
		names = append(names, n)
	}
	if want := []string{"api", "cache", "db", "queue", "search"}; !slices.Equal(names, want) {
		t.Fatalf("rows = %v, want %v", names, want)
	}
	for _, tc := range []struct {
		name, state, uptime, critical string
		cells                         int
	}{
		{"api", "up", "100% 10 of 10 up", "yes", 10},
		{"cache", "degraded", "100% 4 of 4 up", "no", 4},
		{"db", "down", "60.0% 6 of 10 up", "yes", 10},
		{"queue", "unknown", "—", "yes", 0},
		{"search", "up", "50.0% 2 of 4 up", "yes", 4},
	} {
		r := rs[tc.name]
		if r.state != tc.state || r.uptime != tc.uptime || r.critical != tc.critical || len(r.cells) != tc.cells {
			t.Errorf("%s: state %q uptime %q critical %q cells %d; want %q %q %q %d",
				tc.name, r.state, r.uptime, r.critical, len(r.cells), tc.state, tc.uptime, tc.critical, tc.cells)
		}
		badge := find(t, r.node, tc.name+" badge", byClass("badge"))
		if got := text(badge); !strings.HasSuffix(got, " "+tc.state) {
			t.Errorf("%s: badge %q does not say %s in words", tc.name, got, tc.state)
		}
		if tc.cells > 0 && r.pads != statuspage.DefaultHistory-tc.cells {
			t.Errorf("%s: %d pads, want %d", tc.name, r.pads, statuspage.DefaultHistory-tc.cells)
		}
	}
	// Oldest first: db's last four results are the failures.
	if want := slices.Concat(slices.Repeat([]string{"up"}, 6), slices.Repeat([]string{"down"}, 4)); !slices.Equal(rs["db"].cells, want) {
		t.Errorf("db cells = %v, want %v", rs["db"].cells, want)
	}
	if got := rs["api"].groups; got != "readiness liveness" {
		t.Errorf("api groups = %q", got)
	}
	if got := rs["queue"].last; got != "never" {
		t.Errorf("queue last check = %q, want never", got)
	}
	if got := rs["db"].last; !strings.HasSuffix(got, "just now") {
		t.Errorf("db last check = %q, want a time and its age", got)
	}
	if !strings.Contains(text(find(t, rs["queue"].node, "queue history", byClass("history"))), "no results yet") {
		t.Error("queue: history does not say there are no results")
	}
	note := text(find(t, doc, "#uptime-note", byID("uptime-note")))
	if !strings.Contains(note, "up and degraded count as up") || !strings.Contains(note, "last 50 results") {
		t.Errorf("uptime note = %q", note)
	}
	// Each bar says what it shows in words as well.
	bar := find(t, rs["db"].node, "db bar", byClass("bar"))
	if label, _ := attr(bar, "aria-label"); label != "last 10 results, oldest first: 6 of 10 up or degraded (60.0%)" {
		t.Errorf("db bar label = %q", label)
	}
	if strings.Contains(body, "<script") {
		t.Error("page contains a script element")
	}
}

func TestHistoryWindow(t *testing.T) {
	e, p, st := newEngine(t, comp("db"))
	play(t, e, p, st, "db", concat(repeat(4, core.StateDown, ""), repeat(3, core.StateUp, ""), repeat(1, core.StateDegraded, ""))...)
	for _, tc := range []struct {
		history, cells, pads int
		uptime               string
	}{
		{5, 5, 0, "80.0% 4 of 5 up"},
		{8, 8, 0, "50.0% 4 of 8 up"},
		{3, 3, 0, "100% 3 of 3 up"},
		{20, 8, 12, "50.0% 4 of 8 up"},
		{0, 8, statuspage.DefaultHistory - 8, "50.0% 4 of 8 up"},
	} {
		doc, _ := render(t, mustNew(t, e, statuspage.Config{History: tc.history}), "/")
		r := rows(t, doc)["db"]
		if len(r.cells) != tc.cells || r.pads != tc.pads || r.uptime != tc.uptime {
			t.Errorf("History %d: %d cells, %d pads, uptime %q; want %d, %d, %q", tc.history, len(r.cells), r.pads, r.uptime, tc.cells, tc.pads, tc.uptime)
		}
		if r.cells[len(r.cells)-1] != "degraded" {
			t.Errorf("History %d: newest cell is %q, want degraded", tc.history, r.cells[len(r.cells)-1])
		}
	}
}

func TestUptimeRoundsDown(t *testing.T) {
	e, p, st := newEngine(t, comp("db"))
	play(t, e, p, st, "db", concat(repeat(1, core.StateDown, ""), repeat(1999, core.StateUp, ""))...)
	for history, want := range map[int]string{
		2000: "99.9% 1999 of 2000 up", // 99.95%: only all up is 100%
		1999: "100% 1999 of 1999 up",  // the down result is older than the window
	} {
		doc, _ := render(t, mustNew(t, e, statuspage.Config{History: history}), "/")
		if got := rows(t, doc)["db"].uptime; got != want {
			t.Errorf("History %d: uptime %q, want %q", history, got, want)
		}
	}
}

func TestMessagesHiddenUnlessAllowed(t *testing.T) {
	e := fixture(t)

	doc, body := render(t, mustNew(t, e, statuspage.Config{}), "/")
	for name, r := range rows(t, doc) {
		if r.message != "hidden" {
			t.Errorf("%s: message cell %q, want hidden", name, r.message)
		}
	}
	for _, secret := range []string{"10.0.0.7", "hit ratio", "alert(", "boom"} {
		if strings.Contains(body, secret) {
			t.Errorf("details hidden, but the page contains %q", secret)
		}
	}

	h := mustNew(t, e, statuspage.Config{ShowDetails: func(r *http.Request) bool { return r.URL.Query().Get("details") == "1" }})
	if doc, _ := render(t, h, "/?details=0"); rows(t, doc)["db"].message != "hidden" {
		t.Error("ShowDetails false: db message shown")
	}
	doc, body = render(t, h, "/?details=1")
	rs := rows(t, doc)
	if got, want := rs["db"].message, "dial tcp 10.0.0.7:5432: connect: connection refused"; got != want {
		t.Errorf("db message = %q, want %q", got, want)
	}
	if got := rs["api"].message; got != "HTTP 200" {
		t.Errorf("api message = %q", got)
	}
	if got := rs["queue"].message; got != "—" {
		t.Errorf("queue message = %q, want —", got)
	}
	// The hostile message is text, in the cell and in the history titles,
	// never markup.
	if got := rs["search"].message; got != hostile {
		t.Errorf("search message = %q, want the raw text %q", got, hostile)
	}
	if n := findAll(doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "img" }); len(n) > 0 {
		t.Errorf("hostile message injected %d elements", len(n))
	}
	if n := findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "onerror"); return ok }); len(n) > 0 {
		t.Error("hostile message injected an attribute")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>") {
		t.Error("hostile message is not escaped")
	}
	var titled bool
	for _, li := range findAll(rs["search"].node, byClass("cell")) {
		if title, _ := attr(li, "title"); strings.HasSuffix(title, " · "+hostile) {
			titled = true
		}
	}
	if !titled {
		t.Error("history cell titles do not carry the message when details are shown")
	}
}

func TestTitleIsEscaped(t *testing.T) {
	e, _, _ := newEngine(t)
	doc, _ := render(t, mustNew(t, e, statuspage.Config{Title: "<b>shop</b> status"}), "/")
	if got := text(find(t, doc, "h1", byTag("h1"))); got != "<b>shop</b> status" {
		t.Errorf("h1 = %q", got)
	}
	if n := findAll(doc, byTag("b")); len(n) > 0 {
		t.Error("title injected markup")
	}
	if got := text(find(t, doc, ".empty", byClass("empty"))); got != "No components are registered." {
		t.Errorf("empty engine: %q", got)
	}
	if st, _ := attr(find(t, doc, "#overall", byID("overall")), "data-state"); st != "unknown" {
		t.Errorf("empty engine: overall %q", st)
	}
}

func TestTimeAndDuration(t *testing.T) {
	e, p, st := newEngine(t, comp("db"))
	play(t, e, p, st, "db", result{core.StateUp, ""})
	doc, _ := render(t, mustNew(t, e, statuspage.Config{}), "/")
	r := rows(t, doc)["db"]
	tm := find(t, r.node, "db time", byTag("time"))
	dt, _ := attr(tm, "datetime")
	at, err := time.Parse(time.RFC3339, dt)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := e.Snapshot().Get("db")
	if d := last.Result.Time.Sub(at); d < 0 || d >= time.Second {
		t.Errorf("datetime %s, check time %s", dt, last.Result.Time)
	}
	if got := text(find(t, r.node, "db duration", func(n *html.Node) bool { return hasClass(n, "duration") })); got == "" || got == "—" {
		t.Errorf("duration = %q", got)
	}
	if got := text(find(t, doc, "#now", byID("now"))); !strings.HasSuffix(got, " UTC") {
		t.Errorf("server time = %q", got)
	}
}

func TestPhases(t *testing.T) {
	e, _, _ := newEngine(t, comp("api"))
	h := mustNew(t, e, statuspage.Config{})
	phase := func() (string, string) {
		doc, _ := render(t, h, "/")
		return text(find(t, doc, "#phase", byID("phase"))), text(find(t, doc, "#ready", byID("ready")))
	}
	if ph, ready := phase(); !strings.HasPrefix(ph, "idle") || ready != "no" {
		t.Errorf("before start: phase %q ready %q", ph, ready)
	}
	startServing(t, e)
	if ph, ready := phase(); ph != "serving" || ready != "yes" {
		t.Errorf("serving: phase %q ready %q", ph, ready)
	}
	e.EnterLameDuck()
	if ph, ready := phase(); !strings.HasPrefix(ph, "lame duck") || ready != "no" {
		t.Errorf("lame duck: phase %q ready %q", ph, ready)
	}
}

func TestNeverRunsACheck(t *testing.T) {
	e, p, st := newEngine(t, comp("a"), comp("b"))
	play(t, e, p, st, "a", result{core.StateUp, ""})
	before := p.Calls()
	h := mustNew(t, e, statuspage.Config{})
	for range 20 {
		render(t, h, "/")
	}
	if after := p.Calls(); after != before {
		t.Errorf("rendering ran %d checks", after-before)
	}
}

func TestMethodsAndHeaders(t *testing.T) {
	e := fixture(t)
	h := mustNew(t, e, statuspage.Config{})

	res, body := get(t, h, http.MethodGet, "/status")
	for k, want := range map[string]string{
		"Cache-Control":          "no-store",
		"Content-Type":           "text/html; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// The CSP allows the page's own stylesheet (by hash) and nothing else.
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	style := find(t, doc, "style", byTag("style"))
	sum := sha256.Sum256([]byte(style.FirstChild.Data))
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q does not allow the page's style", csp)
	}

	res, head := get(t, h, http.MethodHead, "/status")
	if res.StatusCode != http.StatusOK || head != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("HEAD: %s, %d bytes, Cache-Control %q", res.Status, len(head), res.Header.Get("Cache-Control"))
	}
	if res.Header.Get("Content-Length") == "" {
		t.Error("HEAD: no Content-Length")
	}

	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		res, _ := get(t, h, m, "/status")
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %s, Allow %q", m, res.Status, res.Header.Get("Allow"))
		}
	}
}

func TestRefresh(t *testing.T) {
	e, _, _ := newEngine(t)
	refresh := func(d time.Duration) string {
		doc, _ := render(t, mustNew(t, e, statuspage.Config{Refresh: d}), "/")
		metas := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "http-equiv"); return n.Data == "meta" && v == "refresh" })
		if len(metas) == 0 {
			return ""
		}
		v, _ := attr(metas[0], "content")
		return v
	}
	for d, want := range map[time.Duration]string{0: "", 10 * time.Second: "10", 1500 * time.Millisecond: "2", time.Millisecond: "1"} {
		if got := refresh(d); got != want {
			t.Errorf("Refresh %s: meta refresh %q, want %q", d, got, want)
		}
	}
}

func TestConfig(t *testing.T) {
	e, _, _ := newEngine(t)
	if got := statuspage.DefaultConfig(); got.Title != "Vitals status" || got.History != 50 || got.Refresh != 0 || got.ShowDetails != nil {
		t.Errorf("DefaultConfig() = %+v", got)
	}
	if _, err := statuspage.New(e, statuspage.DefaultConfig()); err != nil {
		t.Errorf("DefaultConfig: %v", err)
	}
	for _, tc := range []struct {
		cfg  statuspage.Config
		want []string
	}{
		{statuspage.Config{History: -1}, []string{"History"}},
		{statuspage.Config{Refresh: -time.Second}, []string{"Refresh"}},
		{statuspage.Config{History: -5, Refresh: -1}, []string{"History", "Refresh"}},
	} {
		_, err := statuspage.New(e, tc.cfg)
		testerr.Says(t, fmt.Sprintf("%+v", tc.cfg), err, tc.want...)
	}
	if _, err := statuspage.New(nil, statuspage.Config{}); err == nil {
		t.Error("nil engine: no error")
	}
}

// failingStore loses its history.
type failingStore struct{ *core.MemoryStore }

func (failingStore) History(context.Context, string, int) ([]core.Result, error) {
	return nil, errors.New("store offline")
}

func TestHistoryUnavailable(t *testing.T) {
	p := newScripted()
	e, err := core.New(core.WithProviders(p), core.WithStores(nil, failingStore{core.NewMemoryStore(0)}), core.WithComponents(comp("db")))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	if _, err := e.Check(context.Background(), "db"); err != nil {
		t.Fatal(err)
	}
	doc, _ := render(t, mustNew(t, e, statuspage.Config{}), "/")
	r := rows(t, doc)["db"]
	if r.state != "up" || !strings.Contains(text(find(t, r.node, "history", byClass("history"))), "history unavailable") {
		t.Errorf("db: state %q, history %q", r.state, text(r.node))
	}
}

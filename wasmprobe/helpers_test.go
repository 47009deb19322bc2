package wasmprobe

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if goGuest.path != "" {
			_ = os.RemoveAll(filepath.Dir(goGuest.path))
		}
		os.Exit(code)
	}))
}

// margin is how much longer than its timeout a check may take. Timing is
// not the point of these tests; a stuck check is. Under the race detector,
// with other packages' tests on the same 2 cores, a deadline's goroutine
// was seen scheduled 1.05 s late: twice as much there.
var margin = time.Second * time.Duration(1+b2i(raceEnabled))

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wasmFile is the path of a committed test module.
func wasmFile(name string) string { return "../testdata/wasm/" + name + ".wasm" }

// logSink collects JSON log lines.
type logSink struct{ coretest.LogBuffer }

// records returns the logged records whose msg has the prefix.
func (s *logSink) records(t *testing.T, msgPrefix string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(s.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("bad log line %q: %v", line, err)
		}
		if msg, _ := rec["msg"].(string); strings.HasPrefix(msg, msgPrefix) {
			out = append(out, rec)
		}
	}
	return out
}

func (s *logSink) reset() { s.Reset() }

// newProvider returns a provider with an in-memory compile cache, closed
// at the end of the test, and the sink of its logs.
func newProvider(t testing.TB, opts Options) (*Provider, *logSink) {
	t.Helper()
	sink := &logSink{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.CacheDir == "" {
		opts.CacheDir = "-"
	}
	p, err := NewProvider(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return p, sink
}

// component returns a wasm component of module with extra config.
func component(name, module string, timeout time.Duration, kv ...any) core.Component {
	cfg := map[string]any{KeyModule: wasmFile(module)}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg[kv[i].(string)] = kv[i+1]
	}
	return core.Component{Name: name, Provider: Name, Config: cfg, Timeout: timeout}
}

// load loads comps on p with ValidateConfig, as the engine does when a
// component is added, and fails the test if one does not load.
func load(t testing.TB, p *Provider, comps ...core.Component) {
	t.Helper()
	for _, c := range comps {
		if err := p.ValidateConfig(c); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
	}
}

// run checks c under its timeout and fails the test if the check outlived
// it by more than margin.
func run(t *testing.T, p *Provider, c core.Component) core.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx, c)
	if d := time.Since(start); d > c.Timeout+margin {
		t.Errorf("%s: check took %s, timeout %s", c.Name, d, c.Timeout)
	}
	return res
}

// assertServing checks that a good probe still passes on p.
func assertServing(t *testing.T, p *Provider) {
	t.Helper()
	res := run(t, p, component("good", "noop", 2*time.Second))
	if res.State != core.StateUp || res.Message != "ok" {
		t.Errorf("good probe after a hostile one: %s %q (err %v)", res.State, res.Message, res.Err)
	}
}

// guestCase is a check of a guest module with extra config, and what it
// must report.
type guestCase struct {
	name    string
	module  string
	config  map[string]any
	state   core.State
	message string
	details map[string]any
}

// checkGuest checks tc.module as the component prefix+tc.name with
// tc.config (ValidateConfig compiles it first, outside the check's
// deadline), runs times (a second check reuses the instance), and asserts
// the state, the message and each detail of tc.details but those in skip,
// which the caller checks on the returned result.
func checkGuest(t *testing.T, p *Provider, prefix string, tc guestCase, runs int, skip ...string) core.Result {
	t.Helper()
	cfg := map[string]any{KeyModule: tc.module}
	maps.Copy(cfg, tc.config)
	c := core.Component{Name: prefix + tc.name, Provider: Name, Timeout: 5 * time.Second, Config: cfg}
	load(t, p, c)
	var res core.Result
	for range runs {
		res = run(t, p, c)
		if res.State != tc.state || res.Message != tc.message {
			t.Fatalf("got %s %q %v (%v), want %s %q", res.State, res.Message, res.Details, res.Err, tc.state, tc.message)
		}
		for k, v := range tc.details {
			if !slices.Contains(skip, k) && res.Details[k] != v {
				t.Errorf("details[%s] = %v, want %v (all: %v)", k, res.Details[k], v, res.Details)
			}
		}
	}
	return res
}

// benchChecks checks c with p in b.Loop, with a new one-minute deadline per
// check as the engine makes one, and stops the benchmark at the first
// result that ok rejects.
func benchChecks(b *testing.B, p core.Provider, c core.Component, ok func(core.Result) bool) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res := p.Check(ctx, c)
		cancel()
		if !ok(res) {
			b.Fatal(res.State, res.Message)
		}
	}
}

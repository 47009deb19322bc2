package wasmprobe

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vitals-go/vitals/core"
)

// Host keys follow confkit's rule: numbers and booleans may arrive as
// strings (environment variables), and an out-of-range number is quoted as
// written, not clamped first.
func TestConfigStringsAndLiterals(t *testing.T) {
	p, _ := newProvider(t, Options{})
	good := map[string]any{KeyModule: wasmFile("noop"), KeyPoolSize: "4", KeyMemoryPages: "64",
		KeyMaxLogLines: " 10 ", KeyAllowPrivate: "true"}
	if err := p.ValidateConfig(core.Component{Name: "good", Provider: Name, Config: good, Timeout: time.Second}); err != nil {
		t.Errorf("numeric and boolean strings refused: %v", err)
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{uint64(1 << 40), "pool_size: 1099511627776 is out of range [1, 64]"},
		{uint(1 << 33), "pool_size: 8589934592 is out of range [1, 64]"},
		{float64(1 << 40), "pool_size: 1099511627776 is out of range [1, 64]"},
		{"99999999999", `pool_size: "99999999999" is out of range [1, 64]`},
	} {
		cfg := map[string]any{KeyModule: wasmFile("noop"), KeyPoolSize: tc.v}
		err := p.ValidateConfig(core.Component{Name: "bad", Provider: Name, Config: cfg, Timeout: time.Second})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "2147483648") {
			t.Errorf("pool_size %T %v: %v, want %q", tc.v, tc.v, err, tc.want)
		}
	}
}

// A typed Config produces the map the provider reads.
func TestTypedConfig(t *testing.T) {
	p, _ := newProvider(t, Options{})
	c := Config{Module: wasmFile("noop"), Allow: []string{"127.0.0.1:*"}, MemoryPages: 32, PoolSize: 1,
		MaxLogLines: 5, CompileTimeout: time.Minute, Guest: map[string]any{"shard": 7}}
	want := map[string]any{KeyModule: wasmFile("noop"), KeyAllow: []any{"127.0.0.1:*"}, KeyMemoryPages: 32,
		KeyPoolSize: 1, KeyMaxLogLines: 5, KeyCompileTimeout: time.Minute, "shard": 7}
	if d := cmp.Diff(want, c.Map()); d != "" {
		t.Errorf("Map (-want +got):\n%s", d)
	}
	comp := c.Component("orders")
	comp.Timeout = time.Second
	load(t, p, comp)
	pc, err := p.parseConfig(comp.Config)
	if err != nil || pc.poolSize != 1 || pc.memoryPages != 32 || string(pc.guest) != `{"shard":7}` {
		t.Errorf("parsed %+v, %v", pc, err)
	}
	bad := Config{PoolSize: 100}.Component("bad")
	if err := p.ValidateConfig(bad); err == nil || !strings.Contains(err.Error(), "module: is required") ||
		!strings.Contains(err.Error(), "pool_size: 100 is out of range [1, 64]") {
		t.Errorf("bad typed config: %v", err)
	}
}

// The caps with a default are turned to none by -1 (DESIGN.md, "Off, one
// spelling per kind of value"), on a component as in health.wasm; a
// component's 0, the old spelling of none, still means none and logs a
// deprecation warning naming the key and -1. Absent keys keep the default.
func TestCapsNoneIsMinusOne(t *testing.T) {
	p, sink := newProvider(t, Options{})
	caps := func(pc probeConfig) []int {
		return []int{pc.maxLogLines, pc.maxResponseBytes, pc.maxStdioBytes, pc.maxNetCalls, pc.maxSockets}
	}
	keys := []string{KeyMaxLogLines, KeyMaxResponseBytes, KeyMaxStdioBytes, KeyMaxNetCalls, KeyMaxSockets}
	set := func(v any) map[string]any {
		cfg := map[string]any{KeyModule: wasmFile("noop")}
		for _, k := range keys {
			cfg[k] = v
		}
		return cfg
	}
	defaults := []int{DefaultMaxLogLines, DefaultMaxResponseBytes, DefaultMaxStdioBytes, DefaultMaxNetCalls, DefaultMaxSockets}
	for _, tc := range []struct {
		name       string
		cfg        map[string]any
		want       []int
		deprecated []string
	}{
		{"absent: the defaults", map[string]any{KeyModule: wasmFile("noop")}, defaults, nil},
		{"-1: none", set(-1), []int{0, 0, 0, 0, 0}, nil},
		{"-1 as text: none", set("-1"), []int{0, 0, 0, 0, 0}, nil},
		{"0: none, deprecated", set(0), []int{0, 0, 0, 0, 0}, keys},
		{"a value", set(7), []int{7, 7, 7, 7, 7}, nil},
	} {
		pc, err := p.parseConfig(tc.cfg)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := caps(pc); !slices.Equal(got, tc.want) {
			t.Errorf("%s: caps %v, want %v", tc.name, got, tc.want)
		}
		if !slices.Equal(pc.zeroForNone, tc.deprecated) {
			t.Errorf("%s: deprecated keys %v, want %v", tc.name, pc.zeroForNone, tc.deprecated)
		}
	}
	if _, err := p.parseConfig(set(-2)); err == nil || !strings.Contains(err.Error(), "max_net_calls: -2 is out of range [-1, 100000]") {
		t.Errorf("-2: %v", err)
	}

	// From Go, the typed Config: -1 is none, 0 the provider's default.
	typed := Config{Module: wasmFile("noop"), MaxLogLines: -1, MaxResponseBytes: -1, MaxStdioBytes: -1, MaxNetCalls: -1, MaxSockets: -1}
	if pc, err := p.parseConfig(typed.Map()); err != nil || !slices.Equal(caps(pc), []int{0, 0, 0, 0, 0}) || len(pc.zeroForNone) != 0 {
		t.Errorf("typed -1: caps %v, deprecated %v, %v", caps(pc), pc.zeroForNone, err)
	}
	if pc, err := p.parseConfig(Config{Module: wasmFile("noop")}.Map()); err != nil || !slices.Equal(caps(pc), defaults) {
		t.Errorf("typed zero: caps %v, %v", caps(pc), err)
	}

	// What a check does with it: -1 keeps no log line, quietly; 0 too, with
	// one deprecation warning when the probe is made.
	for _, v := range []int{-1, 0} {
		sink.reset()
		run(t, p, component("quiet", "logspam", 5*time.Second, KeyMaxLogLines, v))
		run(t, p, component("quiet", "logspam", 5*time.Second, KeyMaxLogLines, v))
		if n := len(sink.records(t, "AAAA")); n != 0 {
			t.Errorf("max_log_lines %d: %d lines logged", v, n)
		}
		warn := sink.records(t, "wasm probe config: max_log_lines: 0 for none is deprecated: write -1")
		switch {
		case v == -1 && len(warn) != 0:
			t.Errorf("max_log_lines -1: deprecation warning %v", warn)
		case v == 0 && (len(warn) != 1 || warn[0]["level"] != "WARN" || warn[0]["key"] != KeyMaxLogLines || warn[0]["new"] != -1.0 || warn[0]["probe"] != "quiet"):
			t.Errorf("max_log_lines 0: warnings %v, want one naming the key and -1", warn)
		}
	}

	// health.wasm.max_net_calls and max_sockets: -1 is none too.
	if err := (Options{MaxNetCalls: -1, MaxSockets: -1}).Validate(); err != nil {
		t.Errorf("Options -1: %v", err)
	}
	if err := (Options{MaxNetCalls: -2}).Validate(); err == nil || !strings.Contains(err.Error(), "max_net_calls: -2 is out of range [-1, 100000]") {
		t.Errorf("Options -2: %v", err)
	}
	if o := (Options{MaxNetCalls: -1, MaxSockets: -1}).withDefaults(); o.MaxNetCalls != 0 || o.MaxSockets != 0 {
		t.Errorf("Options -1 after defaults: %d calls, %d sockets; want none", o.MaxNetCalls, o.MaxSockets)
	}
}

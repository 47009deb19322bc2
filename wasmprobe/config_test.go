package wasmprobe

import (
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

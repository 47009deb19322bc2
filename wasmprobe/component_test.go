package wasmprobe

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

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
	if err := p.ValidateConfig(comp); err != nil {
		t.Fatal(err)
	}
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

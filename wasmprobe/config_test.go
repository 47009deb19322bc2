package wasmprobe

import (
	"strings"
	"testing"
	"time"

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

package wasmprobe

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/wasmprobe/policy"
)

// Host keys of a component's config: the host reads them and removes them
// from what the guest receives as its input "config".
const (
	KeyModule           = "module"
	KeyAllow            = "allow"
	KeyMemoryPages      = "memory_pages"
	KeyPoolSize         = "pool_size"
	KeyMaxOutputBytes   = "max_output_bytes"
	KeyMaxLogLines      = "max_log_lines"
	KeyMaxLogLineBytes  = "max_log_line_bytes"
	KeyMaxResponseBytes = "max_response_bytes"
	KeyMaxStdioBytes    = "max_stdio_bytes"
	KeyAllowPrivate     = "allow_private"
	KeyMaxNetCalls      = "max_net_calls"
	KeyMaxSockets       = "max_sockets"

	// Bounds on what a module declares (ABI.md, section 8), checked when
	// it is loaded, and on its compilation.
	KeyMaxTableElements         = "max_table_elements"
	KeyMaxModuleBytes           = "max_module_bytes"
	KeyMaxFunctions             = "max_functions"
	KeyMaxFunctionBodyBytes     = "max_function_body_bytes"
	KeyMaxFunctionLocals        = "max_function_locals"
	KeyMaxGlobals               = "max_globals"
	KeyMaxElementSegmentEntries = "max_element_segment_entries"
	KeyMaxDataSegmentBytes      = "max_data_segment_bytes"
	KeyCompileTimeout           = "compile_timeout"
)

// KeyMaxConcurrentCalls names Options.MaxConcurrentCalls in messages: a
// host-wide option (health.wasm.max_concurrent_calls), not a component key.
const KeyMaxConcurrentCalls = "max_concurrent_calls"

// isHostKey reports whether key is one of the host keys above.
func isHostKey(key string) bool {
	switch key {
	case KeyModule, KeyAllow, KeyMemoryPages, KeyPoolSize, KeyMaxOutputBytes,
		KeyMaxLogLines, KeyMaxLogLineBytes, KeyMaxResponseBytes, KeyMaxStdioBytes,
		KeyAllowPrivate, KeyMaxNetCalls, KeyMaxSockets, KeyMaxTableElements, KeyMaxModuleBytes, KeyMaxFunctions,
		KeyMaxFunctionBodyBytes, KeyMaxFunctionLocals, KeyMaxGlobals,
		KeyMaxElementSegmentEntries, KeyMaxDataSegmentBytes, KeyCompileTimeout:
		return true
	}
	return false
}

// probeConfig is a component config after parsing and defaults.
type probeConfig struct {
	module           string
	allow            policy.Grants
	allowPrivate     bool // host-name grants may resolve to private addresses
	memoryPages      uint32
	poolSize         int
	maxOutputBytes   int
	maxLogLines      int
	maxLogLineBytes  int
	maxResponseBytes int
	maxStdioBytes    int
	maxNetCalls      int
	maxSockets       int
	limits           moduleLimits  // what the module may declare
	compileTimeout   time.Duration // bounds compiling the module
	guest            []byte        // the guest's "config", JSON encoded
	zeroForNone      []string      // keys set to 0, the deprecated spelling of -1
}

// intKey is an integer host key: the range a component may set and where
// the parsed value goes.
type intKey struct {
	key    string
	dst    *int
	lo, hi int
}

// intKeys are the integer host keys of a component: the range a component
// may set and where the parsed value goes. A key whose range starts at -1
// is a cap with a default that -1 turns to none (nothing kept, no calls);
// 0 says none too, a deprecated spelling (it is to mean the default, as
// it does in Options).
func intKeys(pc *probeConfig) []intKey {
	keys := []intKey{
		{KeyPoolSize, &pc.poolSize, 1, 64},
		{KeyMaxOutputBytes, &pc.maxOutputBytes, 2, 16 << 20},
		{KeyMaxLogLines, &pc.maxLogLines, -1, 10000},
		{KeyMaxLogLineBytes, &pc.maxLogLineBytes, 16, 1 << 20},
		{KeyMaxResponseBytes, &pc.maxResponseBytes, -1, 64 << 20},
		{KeyMaxStdioBytes, &pc.maxStdioBytes, -1, 1 << 20},
		{KeyMaxNetCalls, &pc.maxNetCalls, -1, 100000},
		{KeyMaxSockets, &pc.maxSockets, -1, 100000},
	}
	for _, k := range sizeKeys(new(Options), &pc.limits) {
		keys = append(keys, intKey{k.key, k.lim, k.lo, k.hi})
	}
	return keys
}

// parseConfig reads the host keys of a component config with confkit (so
// "4" is as good as 4); every problem is a *confkit.FieldError naming its
// key.
func (p *Provider) parseConfig(cfg map[string]any) (probeConfig, error) {
	o := p.opts
	pc := probeConfig{
		memoryPages:      uint32(o.MemoryPages),
		poolSize:         o.PoolSize,
		maxOutputBytes:   o.MaxOutputBytes,
		maxLogLines:      o.MaxLogLines,
		maxLogLineBytes:  o.MaxLogLineBytes,
		maxResponseBytes: o.MaxResponseBytes,
		maxStdioBytes:    o.MaxStdioBytes,
		maxNetCalls:      o.MaxNetCalls,
		maxSockets:       o.MaxSockets,
		limits:           o.moduleLimits(uint32(o.MemoryPages)),
		compileTimeout:   o.CompileTimeout,
	}
	r := confkit.NewReader(cfg)
	pc.module = r.RequiredString(KeyModule, "the path of the probe's .wasm file")
	if entries := r.Strings(KeyAllow); len(entries) > 0 {
		g, err := parseGrants(entries)
		if err != nil {
			r.Fail("", err)
		}
		pc.allow = g
	}
	pc.allowPrivate = r.Bool(KeyAllowPrivate, false)
	for _, f := range intKeys(&pc) {
		*f.dst = int(r.Int(f.key, int64(*f.dst), int64(f.lo), int64(f.hi)))
		if f.lo < 0 {
			if _, set := cfg[f.key]; set && *f.dst == 0 {
				pc.zeroForNone = append(pc.zeroForNone, f.key)
			}
			*f.dst = max(*f.dst, 0)
		}
	}
	pc.memoryPages = uint32(r.Int(KeyMemoryPages, int64(pc.memoryPages), 1, 65536))
	pc.limits.pages = pc.memoryPages
	pc.compileTimeout = r.Duration(KeyCompileTimeout, pc.compileTimeout, minCompileTimeout, maxCompileTimeout)

	guest := make(map[string]any, len(cfg))
	for k, v := range cfg {
		if !isHostKey(k) {
			guest[k] = v
		}
	}
	b, err := json.Marshal(guest)
	if err != nil {
		r.Fail("", fmt.Errorf("cannot be encoded as JSON for the probe: %w", err))
	}
	pc.guest = b
	return pc, r.Err()
}

// Validate reports every host-wide option out of its range, each as a
// *confkit.FieldError named by its config key ("pool_size"): the rule
// fxmodule/config applies to health.wasm.*. Zero means the default; -1
// turns MaxNetCalls and MaxSockets to none (MaxLogLines, MaxResponseBytes
// and MaxStdioBytes take any negative for none).
func (o Options) Validate() error {
	r := confkit.NewReader(map[string]any{
		KeyMemoryPages: o.MemoryPages, KeyPoolSize: o.PoolSize, KeyMaxConcurrentCalls: o.MaxConcurrentCalls,
		KeyMaxNetCalls: o.MaxNetCalls, KeyMaxSockets: o.MaxSockets,
		KeyMaxTableElements: o.MaxTableElements, KeyMaxModuleBytes: o.MaxModuleBytes,
		KeyMaxFunctions: o.MaxFunctions, KeyMaxFunctionBodyBytes: o.MaxFunctionBodyBytes,
		KeyMaxFunctionLocals: o.MaxFunctionLocals, KeyMaxGlobals: o.MaxGlobals,
		KeyMaxElementSegmentEntries: o.MaxElementSegmentEntries, KeyMaxDataSegmentBytes: o.MaxDataSegmentBytes,
		KeyCompileTimeout: o.CompileTimeout,
	})
	for _, k := range []struct {
		key    string
		lo, hi int64
	}{
		{KeyMemoryPages, 0, 65536}, {KeyPoolSize, 0, 64}, {KeyMaxConcurrentCalls, 0, 1024},
		{KeyMaxNetCalls, -1, 100000}, {KeyMaxSockets, -1, 100000}, // -1: none
	} {
		r.Int(k.key, 0, k.lo, k.hi)
	}
	for _, k := range sizeKeys(&o, new(moduleLimits)) {
		r.Int(k.key, 0, 0, int64(k.hi))
	}
	r.Duration(KeyCompileTimeout, 0, 0, maxCompileTimeout)
	return r.Err()
}

// sameConfig reports whether two component configs are equal, cheaply for
// the plain values configs are made of.
func sameConfig(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !sameValue(va, vb) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case string, bool, int, int64, float64, nil:
		return a == b // the same type and value
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, sameValue)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && sameConfig(x, y)
	}
	return reflect.DeepEqual(a, b)
}

// quoteSnippet quotes the start of b for an error message.
func quoteSnippet(b []byte, n int) string {
	if len(b) <= n {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q… (%d bytes)", b[:n], len(b))
}

package wasmprobe

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
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
	allow            grants
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
}

// parseConfig reads the host keys of a component config; every error names
// its key.
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
	var errs []error
	switch v := cfg[KeyModule].(type) {
	case string:
		if v == "" {
			errs = append(errs, fmt.Errorf("%s: is required (the path of the probe's .wasm file)", KeyModule))
		}
		pc.module = v
	case nil:
		errs = append(errs, fmt.Errorf("%s: is required (the path of the probe's .wasm file)", KeyModule))
	default:
		errs = append(errs, fmt.Errorf("%s: want a file path, got %T", KeyModule, v))
	}
	if v, ok := cfg[KeyAllow]; ok && v != nil {
		entries, err := stringList(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeyAllow, err))
		} else {
			g, err := parseGrants(entries)
			if err != nil {
				errs = append(errs, err)
			}
			pc.allow = g
		}
	}
	switch v := cfg[KeyAllowPrivate].(type) {
	case bool:
		pc.allowPrivate = v
	case nil:
	default:
		errs = append(errs, fmt.Errorf("%s: want true or false, got %T", KeyAllowPrivate, v))
	}
	ints := []struct {
		key      string
		dst      *int
		min, max int
	}{
		{KeyPoolSize, &pc.poolSize, 1, 64},
		{KeyMaxOutputBytes, &pc.maxOutputBytes, 2, 16 << 20},
		{KeyMaxLogLines, &pc.maxLogLines, 0, 10000},
		{KeyMaxLogLineBytes, &pc.maxLogLineBytes, 16, 1 << 20},
		{KeyMaxResponseBytes, &pc.maxResponseBytes, 0, 64 << 20},
		{KeyMaxStdioBytes, &pc.maxStdioBytes, 0, 1 << 20},
		{KeyMaxNetCalls, &pc.maxNetCalls, 0, 100000},
		{KeyMaxSockets, &pc.maxSockets, 0, 100000},
		{KeyMaxTableElements, &pc.limits.tableElements, 0, maxTableElementsLimit},
		{KeyMaxModuleBytes, &pc.limits.moduleBytes, 1 << 10, maxModuleBytesLimit},
		{KeyMaxFunctions, &pc.limits.functions, 1, maxFunctionsLimit},
		{KeyMaxFunctionBodyBytes, &pc.limits.bodyBytes, 16, maxFunctionBodyBytesLimit},
		{KeyMaxFunctionLocals, &pc.limits.locals, 0, maxFunctionLocalsLimit},
		{KeyMaxGlobals, &pc.limits.globals, 0, maxGlobalsLimit},
		{KeyMaxElementSegmentEntries, &pc.limits.elementEntries, 0, maxElementSegmentEntriesLimit},
		{KeyMaxDataSegmentBytes, &pc.limits.dataBytes, 0, maxDataSegmentBytesLimit},
	}
	for _, f := range ints {
		if err := intKey(cfg, f.key, f.dst, f.min, f.max); err != nil {
			errs = append(errs, err)
		}
	}
	pages := int(pc.memoryPages)
	if err := intKey(cfg, KeyMemoryPages, &pages, 1, 65536); err != nil {
		errs = append(errs, err)
	}
	pc.memoryPages = uint32(pages)
	pc.limits.pages = pc.memoryPages
	if err := durationKey(cfg, KeyCompileTimeout, &pc.compileTimeout, minCompileTimeout, maxCompileTimeout); err != nil {
		errs = append(errs, err)
	}

	guest := make(map[string]any, len(cfg))
	for k, v := range cfg {
		if !isHostKey(k) {
			guest[k] = v
		}
	}
	b, err := json.Marshal(guest)
	if err != nil {
		errs = append(errs, fmt.Errorf("config: cannot be encoded as JSON for the probe: %w", err))
	}
	pc.guest = b
	return pc, errors.Join(errs...)
}

func intKey(cfg map[string]any, key string, dst *int, lo, hi int) error {
	v, ok := cfg[key]
	if !ok || v == nil {
		return nil
	}
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int8:
		n = int64(x)
	case int16:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case uint:
		n = int64(min(x, math.MaxInt32+1))
	case uint8:
		n = int64(x)
	case uint16:
		n = int64(x)
	case uint32:
		n = int64(x)
	case uint64:
		n = int64(min(x, math.MaxInt32+1))
	case float32:
		if float32(int64(x)) != x {
			return fmt.Errorf("%s: want a whole number, got %v", key, x)
		}
		n = int64(x)
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			return fmt.Errorf("%s: want a whole number, got %v", key, x)
		}
		n = int64(x)
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return fmt.Errorf("%s: want a whole number, got %v", key, x)
		}
		n = i
	default:
		return fmt.Errorf("%s: want a number, got %T", key, v)
	}
	if n < int64(lo) || n > int64(hi) {
		return fmt.Errorf("%s: %d is out of range [%d, %d]", key, n, lo, hi)
	}
	*dst = int(n)
	return nil
}

// durationKey reads a duration written as a string ("30s") or given as a
// time.Duration.
func durationKey(cfg map[string]any, key string, dst *time.Duration, lo, hi time.Duration) error {
	var d time.Duration
	switch x := cfg[key].(type) {
	case nil:
		return nil
	case time.Duration:
		d = x
	case string:
		var err error
		if d, err = time.ParseDuration(strings.TrimSpace(x)); err != nil {
			return fmt.Errorf("%s: %q is not a duration (write it as \"30s\", \"1m\")", key, x)
		}
	default:
		return fmt.Errorf("%s: want a duration such as \"30s\", got %T", key, x)
	}
	if d < lo || d > hi {
		return fmt.Errorf("%s: %s is out of range [%s, %s]", key, d, lo, hi)
	}
	*dst = d
	return nil
}

func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case []string:
		return x, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("[%d]: want a string, got %T", i, e)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of strings, got %T", v)
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
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int:
		y, ok := b.(int)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case nil:
		return b == nil
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
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

func lowerHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

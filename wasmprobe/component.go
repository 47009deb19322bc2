package wasmprobe

import (
	"time"

	"github.com/vitals-go/vitals/core"
)

// Config is the config of a "wasm" component, for Go code that would
// otherwise spell the Component.Config map by hand:
//
//	e.Add(ctx, wasmprobe.Config{Module: "probes/orders.wasm", Guest: map[string]any{"shard": 7}}.Component("orders"))
//
// Zero fields are left out, so the provider's Options apply. The provider
// reads the map it returns, so the same rules check a typed config and a
// YAML one.
type Config struct {
	// Module (module, required) is the path of the probe's .wasm file.
	Module string
	// Allow (allow) grants network access: "http(s)://host[:port]/prefix"
	// for http_request, "host:port" or "host:*" for tcp_connect.
	Allow []string
	// AllowPrivate (allow_private) lets host-name grants resolve to
	// private addresses.
	AllowPrivate bool
	// MemoryPages (memory_pages) caps linear memory, in 64 KiB pages.
	MemoryPages int
	// PoolSize (pool_size) is the instances kept per component.
	PoolSize int
	// MaxOutputBytes (max_output_bytes) caps the probe's output.
	MaxOutputBytes int
	// MaxLogLines (max_log_lines) caps the log lines of one check (0: the
	// provider's; -1: none).
	MaxLogLines int
	// MaxLogLineBytes (max_log_line_bytes) caps one log line.
	MaxLogLineBytes int
	// MaxResponseBytes (max_response_bytes) caps an http_request response
	// (0: the provider's; -1: empty bodies).
	MaxResponseBytes int
	// MaxStdioBytes (max_stdio_bytes) caps stdout and stderr (0: the
	// provider's; -1: nothing kept).
	MaxStdioBytes int
	// MaxNetCalls (max_net_calls) caps network calls per check (0: the
	// provider's; -1: none).
	MaxNetCalls int
	// MaxSockets (max_sockets) caps the sockets one check opens (0: the
	// provider's; -1: none).
	MaxSockets int
	// CompileTimeout (compile_timeout) bounds compiling the module.
	CompileTimeout time.Duration
	// Guest is the probe's own config, what it reads as "config"; its keys
	// must not be host keys.
	Guest map[string]any
}

// Map returns the Component.Config c stands for.
func (c Config) Map() map[string]any {
	m := make(map[string]any, len(c.Guest)+4)
	for k, v := range c.Guest {
		m[k] = v
	}
	if c.Module != "" {
		m[KeyModule] = c.Module
	}
	if len(c.Allow) > 0 {
		allow := make([]any, len(c.Allow))
		for i, a := range c.Allow {
			allow[i] = a
		}
		m[KeyAllow] = allow
	}
	if c.AllowPrivate {
		m[KeyAllowPrivate] = true
	}
	for _, f := range []struct {
		key string
		v   int
	}{
		{KeyMemoryPages, c.MemoryPages}, {KeyPoolSize, c.PoolSize}, {KeyMaxOutputBytes, c.MaxOutputBytes},
		{KeyMaxLogLines, c.MaxLogLines}, {KeyMaxLogLineBytes, c.MaxLogLineBytes},
		{KeyMaxResponseBytes, c.MaxResponseBytes}, {KeyMaxStdioBytes, c.MaxStdioBytes},
		{KeyMaxNetCalls, c.MaxNetCalls}, {KeyMaxSockets, c.MaxSockets},
	} {
		if f.v != 0 {
			m[f.key] = f.v
		}
	}
	if c.CompileTimeout != 0 {
		m[KeyCompileTimeout] = c.CompileTimeout
	}
	return m
}

// Component returns a component named name of the wasm provider with
// config c; its other fields are zero (the engine's defaults).
func (c Config) Component(name string) core.Component {
	return core.Component{Name: name, Provider: Name, Config: c.Map()}
}

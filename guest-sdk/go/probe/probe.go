// Package probe is the Go SDK for Vitals custom probes: a probe is one Go
// function, compiled to a WebAssembly module that the Vitals "wasm"
// provider (package wasmprobe) runs sandboxed. The SDK implements the guest
// side of the probe ABI v1 (wasmprobe/ABI.md): the exports, the I/O buffer,
// the input and output JSON, and the host functions for logging, HTTP and
// TCP.
//
// A probe registers its function in an init function (in a module built
// with -buildmode=c-shared, main is never run):
//
//	package main
//
//	import "github.com/vitals-go/vitals/guest-sdk/go/probe"
//
//	type config struct {
//		URL string `json:"url"`
//	}
//
//	func init() { probe.Register(check) }
//
//	func main() {}
//
//	func check(ctx probe.Context) probe.Result {
//		var cfg config
//		if err := ctx.Config(&cfg); err != nil {
//			return probe.Downf("%v", err)
//		}
//		resp, err := ctx.HTTPGet(cfg.URL)
//		if err != nil {
//			return probe.Downf("%v", err)
//		}
//		if resp.Status != 200 {
//			return probe.Downf("HTTP %d", resp.Status).With("status", resp.Status)
//		}
//		return probe.Upf("HTTP %d", resp.Status)
//	}
//
// and is built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o probe.wasm .
//
// The wasm-only code (the //go:wasmexport and //go:wasmimport functions) is
// in files built for GOOS=wasip1 only; on any other platform the package
// compiles without it, so that `go vet` and `go test` of a probe work
// natively. Package probetest runs a probe function natively, with a fake
// or real network and captured logs, for unit tests.
package probe

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"time"
	"unicode/utf8"

	"github.com/vitals-go/vitals/guest-sdk/go/internal/guest"
)

// Status is the state a probe reports. The host maps it to the component's
// observed state; a probe cannot report Unknown itself (the host reports
// Unknown when a probe traps, panics or breaks the ABI).
type Status uint32

// The statuses of ABI v1.
const (
	Up       Status = 0
	Degraded Status = 1
	Down     Status = 2
)

// String returns "up", "degraded", "down" or "status(N)".
func (s Status) String() string {
	if names := [...]string{Up: "up", Degraded: "degraded", Down: "down"}; int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("status(%d)", uint32(s))
}

// Result is what a probe function returns. The zero Result is Up with no
// message.
type Result struct {
	Status Status
	// Message is a short human explanation, shown in /health output and
	// logs. A Degraded or Down result without one is reported as "wasm
	// probe reported degraded/down".
	Message string
	// Details are free-form values, encoded as JSON (so the host sees
	// numbers as float64). A value JSON cannot encode is replaced by an
	// "sdk_error" detail that says why.
	Details map[string]any
}

// Upf returns an Up result with a formatted message.
func Upf(format string, args ...any) Result { return result(Up, format, args) }

// Degradedf returns a Degraded result with a formatted message.
func Degradedf(format string, args ...any) Result { return result(Degraded, format, args) }

// Downf returns a Down result with a formatted message.
func Downf(format string, args ...any) Result { return result(Down, format, args) }

func result(s Status, format string, args []any) Result {
	if len(args) == 0 {
		return Result{Status: s, Message: format}
	}
	return Result{Status: s, Message: fmt.Sprintf(format, args...)}
}

// With returns a copy of r with the detail key set to value. It copies the
// details map, so a Result can be reused as a template.
func (r Result) With(key string, value any) Result {
	d := make(map[string]any, len(r.Details)+1)
	maps.Copy(d, r.Details)
	d[key] = value
	r.Details = d
	return r
}

// Func is a probe: it checks something and returns a Result. It runs once
// per check, on the host's pool of instances of the module: it may keep
// state in package variables between checks, but must not depend on it
// (the host may replace an instance at any time).
type Func func(ctx Context) Result

var registered Func

// Register makes fn the module's probe. Call it once, from an init
// function or a package variable's initialiser: a module built with
// -buildmode=c-shared never runs main. It panics on a nil fn or a second
// registration (a module is one probe).
func Register(fn Func) {
	if fn == nil {
		panic("probe.Register: nil probe function")
	}
	if registered != nil {
		panic("probe.Register: called twice (a module is one probe)")
	}
	registered = fn
}

// Registered returns the function passed to Register, or nil.
func Registered() Func { return registered }

// Context is what a probe function gets for one check: the component's
// name, config and deadline, and the host's functions. It is valid only
// during the call of the probe function it was passed to.
type Context struct{ c *call }

type call struct {
	host     guest.Host
	name     string
	config   json.RawMessage
	timeout  time.Duration
	deadline time.Time
	logger   *hostLogger
}

// Name returns the component's name.
func (ctx Context) Name() string { return ctx.c.name }

// Timeout returns the time the check had left when the probe function was
// called.
func (ctx Context) Timeout() time.Duration { return ctx.c.timeout }

// Deadline returns when the check's deadline ends: the host stops the probe
// then, wherever it is.
func (ctx Context) Deadline() time.Time { return ctx.c.deadline }

// Remaining returns the time left before the deadline (≤ 0 once past it).
func (ctx Context) Remaining() time.Duration { return time.Until(ctx.c.deadline) }

// RawConfig returns the component's config as JSON: an object with the
// component's config keys, less the host's (module, allow, memory_pages,
// ...). It is "{}" when there is none.
func (ctx Context) RawConfig() json.RawMessage { return ctx.c.config }

// Config decodes the component's config into v (usually a pointer to a
// struct with json tags), as encoding/json does: keys v has no field for
// are ignored, and fields absent from the config keep their values, so set
// defaults in v before the call. Errors start with "config: ".
func (ctx Context) Config(v any) error {
	if string(ctx.c.config) == "{}" {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
			return nil // nothing to decode, and no reflection-heavy call
		}
	}
	if err := json.Unmarshal(ctx.c.config, v); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// input is the ABI input JSON.
type input struct {
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	TimeoutMs int64           `json:"timeout_ms"`
}

// output is the ABI output JSON.
type output struct {
	Message string         `json:"message,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

func init() {
	guest.Check = func(fn any, h guest.Host, in, out []byte) (uint32, int) {
		return handle(fn.(Func), h, in, out)
	}
}

// handle runs fn for one check. in and out may share memory: in is decoded
// before anything is written to out.
func handle(fn Func, h guest.Host, in, out []byte) (uint32, int) {
	start := time.Now()
	inp, err := parseInput(in)
	if err != nil {
		inp = input{}
		if err := json.Unmarshal(in, &inp); err != nil {
			return encode(out, Downf("probe SDK: bad input from the host: %v", err))
		}
	}
	if len(inp.Config) == 0 || string(inp.Config) == "null" {
		inp.Config = json.RawMessage("{}")
	}
	timeout := time.Duration(max(inp.TimeoutMs, 0)) * time.Millisecond
	c := &call{host: h, name: inp.Name, config: inp.Config, timeout: timeout, deadline: start.Add(timeout)}
	res := fn(Context{c})
	return encode(out, res)
}

// encode writes r's output JSON into out and returns r's status and the
// output length. A status other than Up, Degraded or Down is returned as it
// is (the host reports the check Unknown). Output that does not fit in out
// loses its details, then the end of its message.
func encode(out []byte, r Result) (uint32, int) {
	status := uint32(r.Status)
	if r.Message == "" && len(r.Details) == 0 {
		return status, 0
	}
	if len(r.Details) == 0 {
		b := make([]byte, 0, len(r.Message)+16)
		b = appendString(append(b, `{"message":`...), r.Message)
		b = append(b, '}')
		if len(b) <= len(out) {
			return status, copy(out, b)
		}
	}
	o := output{Message: r.Message, Details: r.Details}
	b, err := json.Marshal(o)
	if err != nil {
		o.Details = map[string]any{"sdk_error": "details: " + err.Error()}
		b, err = json.Marshal(o)
	}
	if err == nil && len(b) <= len(out) {
		return status, copy(out, b)
	}
	// Too large: drop the details, then cut the message.
	o.Details = map[string]any{"sdk_error": fmt.Sprintf("output of %d bytes exceeds the %d-byte buffer: details dropped", len(b), len(out))}
	for {
		b, _ = json.Marshal(o)
		if len(b) <= len(out) || o.Message == "" {
			break
		}
		if n := len(o.Message) - (len(b) - len(out)) - 16; n > 0 {
			o.Message = cutUTF8(o.Message, n)
		} else {
			o.Message = ""
		}
	}
	if len(b) > len(out) {
		return status, 0
	}
	return status, copy(out, b)
}

// cutUTF8 returns at most n bytes of s, cut at a rune boundary, with "…"
// appended when it cut.
func cutUTF8(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	if n <= 0 {
		return ""
	}
	return s[:n] + "…"
}

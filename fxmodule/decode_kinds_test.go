package fxmodule_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/wasmprobe"
)

// The same inputs give the same kind of error from every provider, because
// every provider reads its config with confkit: a numeric string is an
// integer, an out-of-range value is quoted as written, a wrong type is a
// type error, a missing required key is required.
func TestDecoderKindsAcrossProviders(t *testing.T) {
	wasm, err := wasmprobe.NewProvider(context.Background(), wasmprobe.Options{CacheDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	jobs := core.NewJobsProvider()
	if err := jobs.Register("q", coretest.NewMemoryJobs()); err != nil {
		t.Fatal(err)
	}
	e, err := core.New(core.WithProviders(&core.HTTPProvider{}, &core.TCPProvider{}, jobs, wasm))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })

	providers := []struct {
		name     string
		base     map[string]any
		required string // a required key, "" when none
		intKey   string // an integer key whose range starts at 0 or 1
		boolKey  string // a boolean key, "" when none
	}{
		{"http", map[string]any{"url": "http://127.0.0.1/"}, "url", "max_body_bytes", "tls_skip_verify"},
		{"tcp", map[string]any{"address": "127.0.0.1:1"}, "address", "max_read_bytes", ""},
		{"jobs", map[string]any{"checker": "q"}, "", "max_delayed", ""},
		{"wasm", map[string]any{"module": "../testdata/wasm/noop.wasm"}, "module", "pool_size", "allow_private"},
	}
	type input struct {
		name string
		v    any
		kind confkit.Kind // "" for no error
		text string       // in the error
	}
	ints := []input{
		{"numeric string", "8", "", ""},
		{"padded numeric string", " 8 ", "", ""},
		{"json float", float64(8), "", ""},
		{"uint64 beyond int64", uint64(1 << 63), confkit.ErrRange, "9223372036854775808 is out of range"},
		{"string beyond int64", "99999999999999999999", confkit.ErrRange, `"99999999999999999999" is out of range`},
		{"negative string", "-5", confkit.ErrRange, `"-5" is out of range`},
		{"word", "many", confkit.ErrType, `"many" is not an integer`},
		{"fraction", 1.5, confkit.ErrType, "1.5 is not an integer"},
		{"map", map[string]any{"a": 1}, confkit.ErrType, "a map is not an integer"},
		{"bool", true, confkit.ErrType, "true is not an integer"},
	}
	bools := []input{
		{"bool string", "false", "", ""},
		{"1", "1", "", ""},
		{"word", "maybe", confkit.ErrType, `"maybe" is not a boolean`},
		{"list", []any{true}, confkit.ErrType, "a list is not a boolean"},
	}
	n := 0
	for _, p := range providers {
		run := func(key string, in input) {
			t.Helper()
			n++
			cfg := map[string]any{}
			for k, v := range p.base {
				cfg[k] = v
			}
			if in.v == nil {
				delete(cfg, key)
			} else {
				cfg[key] = in.v
			}
			name := fmt.Sprintf("c%d", n)
			err := e.Add(context.Background(), core.Component{Name: name, Provider: p.name, Config: cfg})
			if in.kind == "" {
				if err != nil {
					t.Errorf("%s %s %s: %v", p.name, key, in.name, err)
				}
				return
			}
			fields := confkit.Fields(err)
			if len(fields) != 1 || fields[0].Path != "config."+key || !errors.Is(fields[0], in.kind) || !strings.Contains(err.Error(), in.text) {
				t.Errorf("%s %s %s: %v (fields %v), want one %q error at config.%s saying %q", p.name, key, in.name, err, fields, in.kind, key, in.text)
			}
		}
		for _, in := range ints {
			run(p.intKey, in)
		}
		if p.boolKey != "" {
			for _, in := range bools {
				run(p.boolKey, in)
			}
		}
		if p.required != "" {
			run(p.required, input{"missing", nil, confkit.ErrRequired, "is required"})
			run(p.required, input{"empty", "", confkit.ErrRequired, "must not be empty"})
			run(p.required, input{"map", map[string]any{}, confkit.ErrType, "a map is not a string"})
		}
	}
}

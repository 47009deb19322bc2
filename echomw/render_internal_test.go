package echomw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// BenchmarkRenderOnNewSnapshot is what the first request after each new
// snapshot pays (the next ones read the cached answer): evaluating and
// rendering /ready of n components.
func BenchmarkRenderOnNewSnapshot(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			e, err := core.New(core.WithJitter(0))
			if err != nil {
				b.Fatal(err)
			}
			defer e.Stop(context.Background())
			for i := range n {
				c := core.Component{Name: fmt.Sprintf("c%04d", i), Interval: time.Hour}
				if err := e.AddFunc(context.Background(), c, func(context.Context) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			if err := e.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			if err := e.ForceCheck(context.Background()); err != nil {
				b.Fatal(err)
			}
			h, err := New(e, Config{})
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range []struct {
				name string
				f    format
			}{{"json", formatJSON}, {"text", formatText}} {
				b.Run(f.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						res := h.cached(h.newEntry(e.Snapshot(), false), h.exact["/ready"].ep, false, f.f)
						if res.code != 200 {
							b.Fatal(res.code)
						}
					}
				})
			}
		})
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"<script>&amp;</script>", "\u2028\u2029", "héllo wörld ✓", "bad \xff\xfe utf8", "\xe2\x82", "emoji 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestRenderJSONIsValid renders hostile messages, names and service info
// with details and checks that the body decodes to what went in.
func TestRenderJSONIsValid(t *testing.T) {
	e, err := core.New(core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	msg := "bad \xff \"quoted\"\n<b>&\u2028\x00"
	c := core.Component{Name: "a.b-c_d", Interval: time.Hour, NonCritical: true, Fall: 1}
	if err := e.AddFunc(context.Background(), c, func(context.Context) error { return errors.New(msg) }); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.ForceCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := ServiceInfo{ID: "id\"", Version: "v\n1", ReleaseID: "\xff", Description: "<desc>"}
	v := evaluateGroup(e.Snapshot(), &endpoint{kind: kindReady, group: core.GroupReadiness, label: "ready"}, false, nil)
	body := renderJSON(&v, true, svc, slog.New(slog.DiscardHandler))
	var got struct {
		Status, Version, ReleaseID, ServiceID, Description, Output string
		Checks                                                     map[string][]map[string]any
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if got.Status != "warn" || got.ServiceID != "id\"" || got.Version != "v\n1" || got.ReleaseID != "\ufffd" || got.Description != "<desc>" {
		t.Errorf("decoded %+v", got)
	}
	entry := got.Checks["a.b-c_d"][0]
	if entry["output"] != strings.ToValidUTF8(msg, "\ufffd") || entry["nonCritical"] != true || entry["observedUnit"] != "ms" {
		t.Errorf("entry %v", entry)
	}
}

// TestAppendIndented: json.Indent's output for the first levels, compact
// deeper; strings with brackets, commas and escapes untouched.
func TestAppendIndented(t *testing.T) {
	for _, c := range []struct {
		in     string
		levels int
		want   string // "" : json.Indent's
	}{
		{`{"a":1,"b":[1,2],"c":{},"d":[],"e":"x,\"y\":[z]{\\"}`, 3, ""},
		{`[{"component":"q","n":{"x":[1,{"y":null}]}},{}]`, 5, ""},
		{`{"a":{"b":{"c":{"d":[1,2]}}}}`, 2, "{\n>  \"a\": {\n>    \"b\": {\"c\":{\"d\":[1,2]}}\n>  }\n>}"},
		{` { "a" : [ 1 , 2 ] } `, 1, "{\n>  \"a\": [1,2]\n>}"},
	} {
		got := string(appendIndented(nil, []byte(c.in), ">", c.levels, math.MaxInt))
		want := c.want
		if want == "" {
			var b bytes.Buffer
			if err := json.Indent(&b, []byte(c.in), ">", "  "); err != nil {
				t.Fatal(err)
			}
			want = b.String()
		}
		if got != want {
			t.Errorf("appendIndented(%s, %d):\n got %s\nwant %s", c.in, c.levels, got, want)
		}
	}
}

// TestAppendDetailsCap: details past the cap (possible only for details
// that did not come through the engine) are replaced by a marker.
func TestAppendDetailsCap(t *testing.T) {
	cs := &core.ComponentStatus{Result: core.Result{Details: map[string]any{"s": strings.Repeat("x", 70000)}}}
	got := string(appendDetails(nil, cs, "", slog.New(slog.DiscardHandler)))
	want := "{\n  \"_truncated\": \"details cut: 70008 bytes as JSON, over the 65536 shown per check\"\n}"
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

package echomw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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

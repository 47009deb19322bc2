package core

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// node is a provider's own recursive type.
type node struct {
	Next *node `json:"next,omitempty"`
}

func TestDetailsLimitEdges(t *testing.T) {
	l := detailsLimits{depth: 4, bytes: 256}
	cyclic := map[string]any{"x": 1}
	cyclic["self"] = cyclic
	chain := &node{}
	for range 20 {
		chain = &node{Next: chain}
	}
	cases := []struct {
		name string
		in   map[string]any
		want string // compact JSON of the result
	}{
		{"within", map[string]any{"a": []any{1, "x", nil, true, 2.5}}, `{"a":[1,"x",null,true,2.5]}`},
		{"NaN", map[string]any{"f": math.NaN(), "g": math.Inf(-1)},
			`{"_truncated":"values not representable as JSON replaced","f":"NaN","g":"-Inf"}`},
		{"cycle", cyclic, `{"_truncated":"nested deeper than 4 levels cut","self":{"self":{"self":{"self":"[cut: nested deeper than 4 levels]","x":1},"x":1},"x":1},"x":1}`},
		{"own recursive type", map[string]any{"n": chain},
			`{"_truncated":"nested deeper than 4 levels cut","n":{"next":{"next":{"next":"[cut: nested deeper than 4 levels]"}}}}`},
		{"channel", map[string]any{"c": make(chan int)},
			`{"_truncated":"values not representable as JSON replaced","c":"[not representable as JSON: json: unsupported type: chan int]"}`},
	}
	for _, c := range cases {
		got, err := json.Marshal(l.limit(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// TestDetailsStringCut: a long string is shortened on a rune boundary,
// counting escapes, and the whole stays within the bound.
func TestDetailsStringCut(t *testing.T) {
	l := detailsLimits{depth: 4, bytes: 256}
	for _, s := range []string{strings.Repeat("é", 500), strings.Repeat("<", 500), strings.Repeat("a\xff", 300), strings.Repeat("\n", 400)} {
		out := l.limit(map[string]any{"s": s, "a": "kept"})
		raw, _ := json.Marshal(out)
		if len(raw) > 256 {
			t.Errorf("%.10q…: %d bytes, want at most 256: %s", s, len(raw), raw)
		}
		cut, _ := out["s"].(string)
		if !strings.HasSuffix(cut, "…") || !strings.HasPrefix(s, strings.TrimSuffix(cut, "…")) || len(raw) < 120 {
			t.Errorf("%.10q…: cut to %q", s, cut)
		}
		if utf8.ValidString(s) && !utf8.ValidString(cut) {
			t.Errorf("%.10q…: cut inside a rune: %q", s, cut)
		}
		if out["a"] != "kept" || !strings.Contains(out[DetailsTruncatedKey].(string), "cut at 256 bytes") {
			t.Errorf("%.10q…: %v", s, out)
		}
	}
}

// TestDetailsMeasureExact: the size measure is encoding/json's size for
// the native types, or a few bytes more (a comma per map, the exponent
// of a float written with two digits).
func TestDetailsMeasureExact(t *testing.T) {
	l := detailsLimits{depth: 10, bytes: 1 << 20}
	for _, v := range []any{
		"<tag> & \"q\" \\ \t\x01 \u2028 é \xff",
		map[string]any{"a": 1, "b": []any{1.5, 1e21, 1e-7, math.Copysign(0, -1), json.Number("12")}, "c": nil},
		[]any{}, map[string]any{}, int64(-1 << 62), 123456789.125,
	} {
		raw, _ := json.Marshal(v)
		n, ok := l.measure(v, 1, 1<<20)
		if !ok || n < len(raw) || n > len(raw)+4 {
			t.Errorf("measure(%#v) = %d, %v; json is %d bytes", v, n, ok, len(raw))
		}
	}
}

// TestDetailsWithinLimitsNoAllocation: the common case (a provider's
// plain values within the bounds) costs no allocation.
func TestDetailsWithinLimitsNoAllocation(t *testing.T) {
	l := detailsLimits{depth: DefaultDetailsMaxDepth, bytes: DefaultDetailsMaxBytes}
	d := map[string]any{"method": "GET", "url": "http://db:8080/health", "status_code": 200, "body_bytes": int64(17),
		"body_truncated": false, "connect_ms": 1.25, "list": []any{"a", 1.5}}
	if n := testing.AllocsPerRun(100, func() { l.limit(d) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

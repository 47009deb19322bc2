package probe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestParseInput checks the inputs parseInput reads, and those it refuses.
func TestParseInput(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	for _, tc := range []struct {
		in   string
		want input
	}{
		{`{"name":"orders-db","config":{"shard":7,"target":"orders"},"timeout_ms":4998}`, input{Name: "orders-db", Config: raw(`{"shard":7,"target":"orders"}`), TimeoutMs: 4998}},
		{" { \"timeout_ms\" : 12 ,\n\"extra\": [1, {\"a\": \"}]\\\"\"}], \"config\" : { \"a\" : [ ] } , \"name\":\"n\\u00e9\\\"\\ud83d\\ude00\" } ", input{Name: "né\"😀", Config: raw(`{ "a" : [ ] }`), TimeoutMs: 12}},
		{`{"name":"x","config":null,"timeout_ms":0}`, input{Name: "x"}},
		{`{"name":"x","config":{"a":",\"timeout_ms\":5}"},"timeout_ms":7}`, input{Name: "x", Config: raw(`{"a":",\"timeout_ms\":5}"}`), TimeoutMs: 7}},
		{`{"name":"x\"y","config":{},"timeout_ms":7}`, input{Name: `x"y`, Config: raw(`{}`), TimeoutMs: 7}},
		{`{}`, input{}},
		{`{"name":"x","timeout_ms":1e3}`, input{Name: "x", TimeoutMs: 1000}},
	} {
		got, err := parseInput([]byte(tc.in))
		if err != nil || got.Name != tc.want.Name || string(got.Config) != string(tc.want.Config) || got.TimeoutMs != tc.want.TimeoutMs {
			t.Errorf("%s:\n got %+v %s (%v)\nwant %+v %s", tc.in, got, got.Config, err, tc.want, tc.want.Config)
		}
	}
	for _, in := range []string{
		`{"name":"x"`,
		`{"name":x}`,
		`{"name":"x"} trailing`,
		`{"name":"x",}`,
		`{"config":{"a":"}`,
		`{"timeout_ms":"5"}`,
		`[]`,
		``,
	} {
		if got, err := parseInput([]byte(in)); err == nil {
			t.Errorf("%s: accepted as %+v", in, got)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s/", "\n\r\t\b\f\x00\x1f\x7f", "é😀", "\xff\xfe", "a\xc3", "\u2028\u2029", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("%q: got %s, want %s", s, got, want.Bytes())
		}
		q := appendString(nil, s)
		back, ok := decodeString(q)
		var wantBack string
		_ = json.Unmarshal(q, &wantBack)
		if !ok || back != wantBack {
			t.Fatalf("decodeString(%s) = %q %v, want %q", q, back, ok, wantBack)
		}
	})
}

// FuzzParseInput checks that parseInput agrees with encoding/json on every
// input both accept (what parseInput refuses falls back to encoding/json).
func FuzzParseInput(f *testing.F) {
	for _, s := range []string{
		`{"name":"orders-db","config":{"shard":7,"target":"orders"},"timeout_ms":4998}`,
		`{"name":"n\u00e9\"","config":{"a":["}",{"b":"\\"}]},"timeout_ms":1.5e3,"x":null}`,
		`{"config":{},"name":"","timeout_ms":0}`,
		`{"name":"x","config":{"a":",\"timeout_ms\":5}"},"timeout_ms":7}`,
		`{"name":"x\"","config":{},"timeout_ms":7}`,
		"{\"name\":\"\xff\",\"config\":{},\"timeout_ms\":7}",
		`{"name":"x","config":{"k":{}},"timeout_ms":7}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ToLower(s) != s || strings.ContainsAny(s, "\u212a\u017f") {
			return // encoding/json matches keys case-insensitively; the host sends them as is
		}
		got, err := parseInput([]byte(s))
		var want input
		if err != nil || json.Unmarshal([]byte(s), &want) != nil {
			return
		}
		if len(want.Config) > 0 && want.Config[0] != '{' {
			want.Config = nil // not an object: the SDK ignores it
		}
		if !json.Valid(want.Config) && want.Config != nil {
			return
		}
		if got.Name != want.Name || got.TimeoutMs != want.TimeoutMs || string(got.Config) != string(want.Config) {
			t.Fatalf("%s:\n got %+v %s\nwant %+v %s", s, got, got.Config, want, want.Config)
		}
	})
}

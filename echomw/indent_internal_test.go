package echomw

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
)

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

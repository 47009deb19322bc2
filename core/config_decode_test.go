package core

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// The config readers are internal; these tests pin the value kinds that
// YAML, JSON and environment decoders hand them.

func TestConfigReaderInteger(t *testing.T) {
	t.Parallel()
	good := []any{int(7), int8(7), int16(7), int32(7), int64(7), uint(7), uint8(7), uint16(7), uint32(7), uint64(7),
		float32(7), float64(7), json.Number("7"), json.Number("7.0"), "7", " 7 "}
	for _, v := range good {
		r := newConfigReader(map[string]any{"n": v})
		if got := r.integer("n", 0, 0, 10); got != 7 || r.err() != nil {
			t.Errorf("%T %v: got %d, %v", v, v, got, r.err())
		}
	}
	bad := []struct {
		v    any
		want string
	}{
		{7.5, "want an integer, got 7.5"},
		{math.Inf(1), "want an integer"},
		{"seven", `want an integer, got "seven"`},
		{true, "want an integer, got bool"},
		{uint64(math.MaxUint64), "is too large"},
		{json.Number("1e400"), "want an integer"},
		{11, "11 is out of range [0, 10]"},
		{[]int{1}, "want an integer, got []int"},
		{float64(math.MaxInt64), "out of range"},
		{json.Number("-3"), "-3 is out of range"},
		{map[string]any{"a": "b"}, "want an integer"},
	}
	for _, tc := range bad {
		r := newConfigReader(map[string]any{"n": tc.v})
		if got := r.integer("n", 3, 0, 10); got != 3 {
			t.Errorf("%T %v: got %d, want the default", tc.v, tc.v, got)
		}
		if err := r.err(); err == nil || !strings.HasPrefix(err.Error(), "config.n: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T %v: error %v, want config.n: ...%s", tc.v, tc.v, err, tc.want)
		}
	}
	r := newConfigReader(map[string]any{"n": nil})
	if got := r.integer("n", 3, 0, 10); got != 3 || r.err() != nil {
		t.Errorf("nil: %d %v", got, r.err())
	}
}

func TestConfigReaderScalars(t *testing.T) {
	t.Parallel()
	r := newConfigReader(map[string]any{
		"s": "x", "n": 42, "f": 1.5, "b": true, "bytes": []byte("raw"),
		"yes": "TRUE", "no": "0", "flag": false, "maybe": "maybe", "num": 1,
		"d": "1m30s", "dd": 2 * time.Second, "d0": 0, "dn": 5, "dbad": "soon", "dneg": "-1s",
		"list": []string{"a"},
	})
	if got := r.str("s", ""); got != "x" {
		t.Errorf("s = %q", got)
	}
	if got := r.str("n", ""); got != "42" {
		t.Errorf("n = %q", got)
	}
	if got := r.str("f", ""); got != "1.5" {
		t.Errorf("f = %q", got)
	}
	if got := r.str("b", ""); got != "true" {
		t.Errorf("b = %q", got)
	}
	if got := r.str("bytes", ""); got != "raw" {
		t.Errorf("bytes = %q", got)
	}
	if got := r.str("absent", "def"); got != "def" {
		t.Errorf("absent = %q", got)
	}
	if !r.boolean("yes", false) || r.boolean("no", true) || r.boolean("flag", true) || !r.boolean("absent", true) {
		t.Error("booleans")
	}
	if r.duration("d", 0, 0) != 90*time.Second || r.duration("dd", 0, 0) != 2*time.Second ||
		r.duration("d0", time.Hour, 0) != 0 || r.duration("absent", time.Hour, 0) != time.Hour {
		t.Error("durations")
	}
	if err := r.err(); err != nil {
		t.Fatalf("unexpected errors: %v", err)
	}
	r.boolean("maybe", false)
	r.boolean("num", false)
	r.duration("dn", 0, 0)
	r.duration("dbad", 0, 0)
	r.duration("dneg", 0, 0)
	r.str("list", "")
	err := r.err()
	if err == nil {
		t.Fatal("no errors")
	}
	for _, want := range []string{
		`config.maybe: want true or false, got "maybe"`,
		"config.num: want true or false, got int",
		`config.dn: want a duration with a unit such as "5s"`,
		`config.dbad: want a duration such as "5s" or "250ms", got "soon"`,
		"config.dneg: -1s must be at least 0s",
		"config.list: want a string, got []string",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors %q lack %q", err, want)
		}
	}
}

func TestConfigReaderStringMap(t *testing.T) {
	t.Parallel()
	r := newConfigReader(map[string]any{
		"a": map[string]string{"k": "v"},
		"b": map[string]any{"k": "v", "n": 3, "t": true},
		"c": map[any]any{"k": "v"},
		"d": map[any]any{1: "v"},
		"e": map[string]any{"bad": []int{1}},
		"f": "not a map",
	})
	if got := r.stringMap("a"); got["k"] != "v" {
		t.Errorf("a = %v", got)
	}
	if got := r.stringMap("b"); got["k"] != "v" || got["n"] != "3" || got["t"] != "true" {
		t.Errorf("b = %v", got)
	}
	if got := r.stringMap("c"); got["k"] != "v" {
		t.Errorf("c = %v", got)
	}
	if got := r.stringMap("absent"); got != nil {
		t.Errorf("absent = %v", got)
	}
	if err := r.err(); err != nil {
		t.Fatal(err)
	}
	r.stringMap("d")
	r.stringMap("e")
	r.stringMap("f")
	for _, want := range []string{"config.d: keys must be strings, got int 1", "config.e.bad: want a string", "config.f: want a map"} {
		if err := r.err(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors %v lack %q", err, want)
		}
	}
}

func TestConfigReaderRequiredAndKeys(t *testing.T) {
	t.Parallel()
	r := newConfigReader(map[string]any{"empty": " ", "num": 5, "extra": 1, "zzz": 2})
	r.requiredStr("missing", "what it is for")
	r.requiredStr("empty", "what it is for")
	if got := r.requiredStr("num", "x"); got != "5" {
		t.Errorf("num = %q", got)
	}
	r.onlyKeys("missing", "empty", "num")
	want := "config.missing: is required (what it is for)\n" +
		"config.empty: must not be empty (what it is for)\n" +
		"config.extra: unknown key (known keys: empty, missing, num)\n" +
		"config.zzz: unknown key (known keys: empty, missing, num)"
	if err := r.err(); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

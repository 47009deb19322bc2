package confkit_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// These tests pin the value kinds that YAML, JSON and environment
// decoders hand a Reader, and the messages, which quote the literal.

func TestReaderInt(t *testing.T) {
	t.Parallel()
	good := []any{int(7), int8(7), int16(7), int32(7), int64(7), uint(7), uint8(7), uint16(7), uint32(7), uint64(7),
		float32(7), float64(7), json.Number("7"), json.Number("7.0"), "7", " 7 "}
	for _, v := range good {
		r := confkit.NewReader(map[string]any{"n": v})
		if got := r.Int("n", 0, 0, 10); got != 7 || r.Err() != nil {
			t.Errorf("%T %v: got %d, %v", v, v, got, r.Err())
		}
	}
	bad := []struct {
		v    any
		want string
		kind confkit.Kind
	}{
		{7.5, "n: 7.5 is not an integer", confkit.ErrType},
		{math.Inf(1), "n: +Inf is not an integer", confkit.ErrType},
		{"seven", `n: "seven" is not an integer`, confkit.ErrType},
		{true, "n: true is not an integer", confkit.ErrType},
		{uint64(math.MaxUint64), "n: 18446744073709551615 is out of range [0, 10]", confkit.ErrRange},
		{uint64(1 << 40), "n: 1099511627776 is out of range [0, 10]", confkit.ErrRange},
		{"99999999999999999999", `n: "99999999999999999999" is out of range [0, 10]`, confkit.ErrRange},
		{json.Number("1e400"), "n: 1e400 is not an integer", confkit.ErrType},
		{11, "n: 11 is out of range [0, 10]", confkit.ErrRange},
		{"11", `n: "11" is out of range [0, 10]`, confkit.ErrRange},
		{[]int{1}, "n: a list is not an integer", confkit.ErrType},
		{float64(math.MaxInt64), "n: 9223372036854776000 is out of range [0, 10]", confkit.ErrRange},
		{json.Number("-3"), "n: -3 is out of range [0, 10]", confkit.ErrRange},
		{map[string]any{"a": "b"}, "n: a map is not an integer", confkit.ErrType},
	}
	for _, tc := range bad {
		r := confkit.NewReader(map[string]any{"n": tc.v})
		if got := r.Int("n", 3, 0, 10); got != 3 {
			t.Errorf("%T %v: got %d, want the default", tc.v, tc.v, got)
		}
		err := r.Err()
		if err == nil || err.Error() != tc.want || !errors.Is(err, tc.kind) {
			t.Errorf("%T %v: error %v, want %q of kind %q", tc.v, tc.v, err, tc.want, tc.kind)
		}
	}
	r := confkit.NewReader(map[string]any{"n": nil})
	if got := r.Int("n", 3, 0, 10); got != 3 || r.Err() != nil {
		t.Errorf("nil: %d %v", got, r.Err())
	}
}

func TestReaderScalars(t *testing.T) {
	t.Parallel()
	r := confkit.NewReader(map[string]any{
		"s": "x", "n": 42, "f": 1.5, "b": true, "bytes": []byte("raw"),
		"yes": "TRUE", "no": "0", "flag": false, "maybe": "maybe", "num": 1,
		"d": "1m30s", "dd": 2 * time.Second, "d0": 0, "ds0": "0", "dn": 5, "dbad": "soon", "dneg": "-1s",
		"list": []string{"a"},
	})
	for key, want := range map[string]string{"s": "x", "n": "42", "f": "1.5", "b": "true", "bytes": "raw"} {
		if got := r.String(key, ""); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if got := r.String("absent", "def"); got != "def" {
		t.Errorf("absent = %q", got)
	}
	if !r.Bool("yes", false) || r.Bool("no", true) || r.Bool("flag", true) || !r.Bool("absent", true) {
		t.Error("booleans")
	}
	if r.Duration("d", 0, 0, 0) != 90*time.Second || r.Duration("dd", 0, 0, 0) != 2*time.Second ||
		r.Duration("d0", time.Hour, 0, 0) != 0 || r.Duration("ds0", time.Hour, 0, 0) != 0 || r.Duration("absent", time.Hour, 0, 0) != time.Hour {
		t.Error("durations")
	}
	if err := r.Err(); err != nil {
		t.Fatalf("unexpected errors: %v", err)
	}
	r.Bool("maybe", false)
	r.Bool("num", false)
	r.Duration("dn", 0, 0, 0)
	r.Duration("dbad", 0, 0, 0)
	r.Duration("dneg", 0, 0, 0)
	r.String("list", "")
	want := `maybe: "maybe" is not a boolean (true or false)` + "\n" +
		"num: 1 is not a boolean (true or false)\n" +
		`dn: 5 is not a duration (write it as "5s", "250ms", "1m30s")` + "\n" +
		`dbad: "soon" is not a duration (write it as "5s", "250ms", "1m30s")` + "\n" +
		`dneg: "-1s" must not be negative` + "\n" +
		"list: a list is not a string"
	if err := r.Err(); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestReaderStringMapAndLists(t *testing.T) {
	t.Parallel()
	r := confkit.NewReader(map[string]any{
		"a":   map[string]string{"k": "v"},
		"b":   map[string]any{"k": "v", "n": 3, "t": true},
		"c":   map[any]any{"k": "v"},
		"d":   map[any]any{1: "v"},
		"e":   map[string]any{"bad": []int{1}},
		"f":   "not a map",
		"l":   []any{"a", 2, map[string]any{}},
		"csv": "a, b,,c",
	})
	if got := r.StringMap("a"); got["k"] != "v" {
		t.Errorf("a = %v", got)
	}
	if got := r.StringMap("b"); got["k"] != "v" || got["n"] != "3" || got["t"] != "true" {
		t.Errorf("b = %v", got)
	}
	if got := r.StringMap("c"); got["k"] != "v" {
		t.Errorf("c = %v", got)
	}
	if got := r.StringMap("absent"); got != nil {
		t.Errorf("absent = %v", got)
	}
	if got := strings.Join(r.Strings("csv"), "|"); got != "a|b|c" {
		t.Errorf("csv = %q", got)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	r.StringMap("d")
	r.StringMap("e")
	r.StringMap("f")
	if got := r.Strings("l"); len(got) != 2 || got[1] != "2" {
		t.Errorf("l = %q", got)
	}
	want := "d: key 1 is not a string\ne.bad: a list is not a string\nf: \"not a map\" is not a map of keys\nl[2]: a map is not a string"
	if err := r.Err(); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestReaderRequiredAndKeys(t *testing.T) {
	t.Parallel()
	r := confkit.NewReader(map[string]any{"empty": " ", "num": 5, "extra": 1, "zzz": 2})
	r.RequiredString("missing", "what it is for")
	r.RequiredString("empty", "what it is for")
	if got := r.RequiredString("num", "x"); got != "5" {
		t.Errorf("num = %q", got)
	}
	r.Only("missing", "empty", "num")
	want := "missing: is required (what it is for)\n" +
		"empty: must not be empty (what it is for)\n" +
		"extra: unknown key (known keys: empty, missing, num)\n" +
		"zzz: unknown key (known keys: empty, missing, num)"
	err := r.Err()
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, confkit.ErrRequired) || !errors.Is(err, confkit.ErrUnknownKey) {
		t.Errorf("kinds of %v", err)
	}
}

func TestReaderNested(t *testing.T) {
	t.Parallel()
	r := confkit.NewReader(map[string]any{
		"server": map[string]any{"port": "x", "typo": 1},
		"items":  []any{map[string]any{"n": 1}, "no", map[string]any{"n": "two"}},
	})
	srv := r.Object("server", "port")
	srv.Int("port", 0, 0, 65535)
	for _, it := range r.Objects("items", "n") {
		it.Int("n", 0, 0, 10)
	}
	want := "server.typo: unknown key (known keys: port)\n" +
		`server.port: "x" is not an integer` + "\n" +
		`items[1]: "no" is not a map of keys` + "\n" +
		`items[2].n: "two" is not an integer`
	if err := r.Err(); err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestStatusSet(t *testing.T) {
	t.Parallel()
	good := map[string]struct {
		v    any
		want string
	}{
		"int": {204, "204"}, "string": {"200-299, 304", "200-299,304"}, "class": {"2xx", "200-299"},
		"list": {[]any{200, "300-301"}, "200,300-301"}, "ints": {[]int{200, 201}, "200,201"}, "numeric string": {"204", "204"},
	}
	for name, tc := range good {
		s, err := confkit.ParseStatusSet(tc.v)
		if err != nil || s.String() != tc.want {
			t.Errorf("%s: %v %v, want %s", name, s, err, tc.want)
		}
	}
	bad := []struct {
		v    any
		want string
		kind confkit.Kind
	}{
		{99, "99 is not a status code (100-599)", confkit.ErrRange},
		{"600", `"600" is not a status code (100-599)`, confkit.ErrRange},
		{"300-200", `range "300-200" is empty`, confkit.ErrRange},
		{"ok", `"ok" is not a status code`, confkit.ErrType},
		{true, `true is not a status code, a range such as "200-299" or a list of them`, confkit.ErrType},
		{[]any{}, "must name at least one status code", confkit.ErrRequired},
	}
	for _, tc := range bad {
		_, err := confkit.ParseStatusSet(tc.v)
		if err == nil || err.Error() != tc.want || !errors.Is(err, tc.kind) {
			t.Errorf("%v: %v, want %q (%s)", tc.v, err, tc.want, tc.kind)
		}
	}
	if s := (confkit.StatusSet{{200, 299}}); !s.Contains(204) || s.Contains(300) {
		t.Error("Contains")
	}
}

func TestPrefixAndFields(t *testing.T) {
	t.Parallel()
	inner := errors.Join(confkit.Errorf("url", "is required"), confkit.Errorf("headers.X", "bad"))
	wrapped := errors.Join(
		confkit.Errorf("interval", "too short"),
		&confkit.FieldError{Path: "config", Err: inner},
		errors.New("plain"),
	)
	err := confkit.Prefix("health.checks[1]", errors.Join(errWrap{wrapped}))
	want := "health.checks[1].interval: too short\nhealth.checks[1].config.url: is required\n" +
		"health.checks[1].config.headers.X: bad\nhealth.checks[1]: plain"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	fields := confkit.Fields(err)
	if len(fields) != 4 || fields[1].Path != "health.checks[1].config.url" || fields[3].Err.Error() != "plain" {
		t.Errorf("fields = %v", fields)
	}
	if confkit.Prefix("x", nil) != nil {
		t.Error("Prefix(nil) is not nil")
	}
	if got := confkit.JoinPath("a", "[0]"); got != "a[0]" {
		t.Errorf("JoinPath = %q", got)
	}
	fe := &confkit.FieldError{Path: "health.interval", Source: "environment variable X", Err: errors.New("bad")}
	if got := fe.Error(); got != "health.interval: bad (from environment variable X)" {
		t.Errorf("Error() = %q", got)
	}
}

// errWrap wraps an error with text of its own, as core's `component %q: %w`.
type errWrap struct{ err error }

func (e errWrap) Error() string { return "component \"x\": " + e.err.Error() }
func (e errWrap) Unwrap() error { return e.err }

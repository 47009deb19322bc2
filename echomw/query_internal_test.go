package echomw

import (
	"net/url"
	"slices"
	"testing"
)

// viaParseQuery is what the handler read with url.ParseQuery before.
func viaParseQuery(raw string) queryFlags {
	q, _ := url.ParseQuery(raw)
	v, ok := q["verbose"]
	return queryFlags{verbose: ok && !(len(v) > 0 && (v[0] == "false" || v[0] == "0")), exclude: q["exclude"]}
}

// FuzzParseQuery: within its bounds, parseQuery reads what url.ParseQuery
// does.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "verbose", "verbose=0&verbose=1", "verbose=false", "verbose=%66alse", "v%65rbose",
		"exclude=a&exclude=b+c&exclude=%zz&exclude=d%20e", "exclude=a;b&exclude", "a;b=1&exclude=x", "exclude=&exclude==",
		"&&exclude=a&", "exclude=%2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, want := parseQuery(raw, 1<<20), viaParseQuery(raw)
		if got.verbose != want.verbose || !slices.Equal(got.exclude, want.exclude) {
			t.Errorf("parseQuery(%q) = %+v, url.ParseQuery: %+v", raw, got, want)
		}
	})
}

func TestParseQueryBounds(t *testing.T) {
	got := parseQuery("exclude=a&exclude=b&exclude=c&verbose", 2)
	if !slices.Equal(got.exclude, []string{"a", "b"}) || !got.verbose {
		t.Errorf("2 names: %+v", got)
	}
	past := ""
	for range extraParams {
		past += "x=1&"
	}
	if got := parseQuery(past+"verbose", 0); got.verbose {
		t.Errorf("a parameter past the first %d was read: %+v", extraParams, got)
	}
	if got := parseQuery(past[len("x=1&"):]+"verbose", 0); !got.verbose {
		t.Errorf("parameter %d was not read: %+v", extraParams, got)
	}
}

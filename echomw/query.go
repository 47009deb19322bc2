package echomw

import (
	"net/url"
	"strings"
)

// extraParams is how many query parameters past the exclude values a
// request's query is read for: the rest is ignored.
const extraParams = 32

// queryFlags is what the endpoints read of a request's query.
type queryFlags struct {
	// verbose: ?verbose, unless its first value is "false" or "0".
	verbose bool
	// exclude holds the exclude values in order, repeats included.
	exclude []string
}

// parseQuery reads verbose and exclude from the raw query as
// url.ParseQuery would (a parameter that does not unescape, or has a ";",
// is skipped), but with bounded work and without allocating
// for a query without exclude: it keeps at most maxExclude exclude values
// (the number of components: more cannot all match) and reads at most
// maxExclude+extraParams parameters. The rest of the query is ignored,
// so a request naming 10,000 checks costs about what one naming a few
// does.
func parseQuery(raw string, maxExclude int) queryFlags {
	var q queryFlags
	sawVerbose := false
	i := 0
	for n := 0; i < len(raw) && n < maxExclude+extraParams; n++ {
		// One pass over the parameter: where it ends, its "=", and
		// whether its key or value has anything to unescape.
		start, eq := i, -1
		semicolon, keyEsc, valueEsc := false, false, false
		for ; i < len(raw) && raw[i] != '&'; i++ {
			switch c := raw[i]; {
			case c == '=' && eq < 0:
				eq = i
			case c == ';':
				semicolon = true
			case c == '%' || c == '+':
				if eq < 0 {
					keyEsc = true
				} else {
					valueEsc = true
				}
			}
		}
		param := raw[start:i]
		i++ // the "&"
		if semicolon {
			continue
		}
		key, value := param, ""
		if eq >= 0 {
			key, value = raw[start:eq], raw[eq+1:start+len(param)]
		}
		if keyEsc {
			var ok bool
			if key, ok = unescape(key); !ok {
				continue
			}
		}
		switch key {
		case "verbose":
			if v, ok := unescapeIf(value, valueEsc); ok && !sawVerbose {
				sawVerbose = true
				q.verbose = v != "false" && v != "0"
			}
		case "exclude":
			if len(q.exclude) >= maxExclude {
				continue
			}
			if v, ok := unescapeIf(value, valueEsc); ok {
				if q.exclude == nil {
					q.exclude = make([]string, 0, min(maxExclude, 16))
				}
				q.exclude = append(q.exclude, v)
			}
		}
		if sawVerbose && len(q.exclude) >= maxExclude {
			break // nothing more to read
		}
	}
	return q
}

// unescapeIf is unescape(s) when esc, else s.
func unescapeIf(s string, esc bool) (string, bool) {
	if !esc {
		return s, true
	}
	return unescape(s)
}

// unescape is url.QueryUnescape, without allocating when s has nothing
// to unescape.
func unescape(s string) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	v, err := url.QueryUnescape(s)
	return v, err == nil
}

package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/internal/jsontext"
)

// Limits on a result's Details, applied by the engine when it accepts a
// provider's result, before anything (snapshot, events, check store, HTTP
// answers, webhooks) sees them. They keep what a probe prints from
// turning into an answer many times its size.
const (
	// DefaultDetailsMaxDepth is how deeply details may nest by default:
	// the details map is level 1, a list in it level 2, and so on.
	DefaultDetailsMaxDepth = 32
	// DefaultDetailsMaxBytes bounds one result's details, measured as
	// compact JSON, by default.
	DefaultDetailsMaxBytes = 16 << 10
	// MaxDetailsMaxDepth is the most levels WithDetailsLimits accepts.
	MaxDetailsMaxDepth = 1000
	// MaxDetailsMaxBytes is the largest size WithDetailsLimits accepts;
	// it is also what echomw renders of one check's details at most.
	MaxDetailsMaxBytes = 64 << 10
	minDetailsMaxBytes = 256
)

// DetailsTruncatedKey is the key the engine adds to details it cut; its
// value says what was cut ("details cut at 16384 bytes"; "nested deeper
// than 32 levels cut"). A container nested too deep is replaced by the
// string "[cut: nested deeper than 32 levels]"; past the size bound,
// map keys (in sorted order) and list items are dropped and a string is
// shortened, ending in "…".
const DetailsTruncatedKey = "_truncated"

// detailsLimits are the bounds of one result's details.
type detailsLimits struct {
	depth, bytes int
}

// WithDetailsLimits bounds each result's details: maxDepth levels of
// nesting (default DefaultDetailsMaxDepth, at most MaxDetailsMaxDepth)
// and maxBytes as compact JSON (default DefaultDetailsMaxBytes, from 256
// to MaxDetailsMaxBytes). 0 keeps a default. Details past a bound are cut
// and say so under DetailsTruncatedKey.
func WithDetailsLimits(maxDepth, maxBytes int) Option {
	return func(s *settings) error {
		if err := ValidateDetailsLimits(maxDepth, maxBytes); err != nil {
			return fmt.Errorf("WithDetailsLimits: %w", err)
		}
		if maxDepth > 0 {
			s.details.depth = maxDepth
		}
		if maxBytes > 0 {
			s.details.bytes = maxBytes
		}
		return nil
	}
}

// ValidateDetailsLimits is the rule WithDetailsLimits applies, for
// configuration that sets the limits (fxmodule's health.details_max_*):
// field errors at "details_max_depth" (1 to MaxDetailsMaxDepth) and
// "details_max_bytes" (256 to MaxDetailsMaxBytes); 0 means the default.
func ValidateDetailsLimits(maxDepth, maxBytes int) error {
	var errs []error
	if maxDepth < 0 || maxDepth > MaxDetailsMaxDepth {
		errs = append(errs, confkit.Errorf("details_max_depth", "%d is not in 1-%d (0: default %d)", maxDepth, MaxDetailsMaxDepth, DefaultDetailsMaxDepth))
	}
	if maxBytes != 0 && (maxBytes < minDetailsMaxBytes || maxBytes > MaxDetailsMaxBytes) {
		errs = append(errs, confkit.Errorf("details_max_bytes", "%d is not in %d-%d (0: default %d)", maxBytes, minDetailsMaxBytes, MaxDetailsMaxBytes, DefaultDetailsMaxBytes))
	}
	return errors.Join(errs...)
}

// limit returns d when it is within the limits (the common case: no
// copy), else a copy cut to fit, with DetailsTruncatedKey saying why.
func (l detailsLimits) limit(d map[string]any) map[string]any {
	if len(d) == 0 {
		return d
	}
	if _, ok := l.measure(d, 1, l.bytes); ok {
		return d
	}
	// Room for the marker (at most 128 bytes with its key).
	p := pruner{detailsLimits: l}
	out, _ := p.object(d, 1, l.bytes-128)
	var why []string
	if p.big {
		why = append(why, fmt.Sprintf("details cut at %d bytes", l.bytes))
	}
	if p.deep {
		why = append(why, fmt.Sprintf("nested deeper than %d levels cut", l.depth))
	}
	if p.bad {
		why = append(why, "values not representable as JSON replaced")
	}
	out[DetailsTruncatedKey] = strings.Join(why, "; ")
	return out
}

// measure returns the compact JSON size of v at nesting level depth (an
// upper bound for floats), and false as soon as v is too deep, larger
// than budget or not representable as JSON. Its work is bounded by the
// limits, whatever v holds (cycles included).
func (l detailsLimits) measure(v any, depth, budget int) (int, bool) {
	switch x := v.(type) {
	case nil:
		return 4, budget >= 4
	case bool:
		return 5, budget >= 5
	case string:
		n := stringLen(x)
		return n, n <= budget
	case json.Number:
		return len(x), len(x) <= budget && json.Valid([]byte(x))
	case float64:
		return floatLen(x), !math.IsNaN(x) && !math.IsInf(x, 0) && floatLen(x) <= budget
	case int:
		n := intLen(int64(x))
		return n, n <= budget
	case int64:
		n := intLen(x)
		return n, n <= budget
	case map[string]any:
		if depth > l.depth {
			return 0, false
		}
		n := 2
		for k, e := range x {
			m, ok := l.measure(e, depth+1, budget-n-stringLen(k)-2)
			if !ok {
				return 0, false
			}
			n += stringLen(k) + 2 + m
		}
		return n, n <= budget
	case []any:
		if depth > l.depth {
			return 0, false
		}
		n := 1 + max(len(x), 1)
		for _, e := range x {
			if n > budget {
				return 0, false
			}
			m, ok := l.measure(e, depth+1, budget-n)
			if !ok {
				return 0, false
			}
			n += m
		}
		return n, n <= budget
	}
	raw, err := json.Marshal(v)
	if err != nil || len(raw) > budget || depth-1+nesting(raw) > l.depth {
		return 0, false
	}
	return len(raw), true
}

// pruner copies details, cutting what is past the limits.
type pruner struct {
	detailsLimits
	big, deep, bad bool
}

// object copies m at level depth into at most budget bytes; keys are
// taken in sorted order until one does not fit.
func (p *pruner) object(m map[string]any, depth, budget int) (map[string]any, int) {
	out := make(map[string]any, min(len(m), 64))
	n := 2
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kn := stringLen(k) + 2
		v, vn, ok := p.value(m[k], depth+1, budget-n-kn)
		if !ok {
			p.big = true
			break
		}
		out[k] = v
		n += kn + vn
	}
	return out, n
}

// value copies v at level depth into at most budget bytes; false when not
// even a cut form of it fits.
func (p *pruner) value(v any, depth, budget int) (any, int, bool) {
	if n, ok := p.measure(v, depth, budget); ok {
		return v, n, true
	}
	switch x := v.(type) {
	case map[string]any, []any:
		if depth > p.depth {
			p.deep = true
			return p.fit(fmt.Sprintf("[cut: nested deeper than %d levels]", p.depth), budget)
		}
		if m, ok := x.(map[string]any); ok {
			if budget < 2 {
				return nil, 0, false
			}
			out, n := p.object(m, depth, budget)
			return out, n, true
		}
		return p.list(x.([]any), depth, budget)
	case string:
		p.big = true
		return p.fit(x, budget)
	case json.Number, float64, nil, bool, int, int64:
		if f, ok := x.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			p.bad = true
			return p.fit(strconv.FormatFloat(f, 'g', -1, 64), budget)
		}
		if n, ok := x.(json.Number); ok && !json.Valid([]byte(n)) {
			p.bad = true
			return p.fit(string(n), budget)
		}
		return nil, 0, false
	}
	// Another Go type: through JSON, as generic values.
	raw, err := json.Marshal(v)
	if err != nil {
		p.bad = true
		return p.fit("[not representable as JSON: "+err.Error()+"]", budget)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g any
	if err := dec.Decode(&g); err != nil {
		p.deep = true
		return p.fit(fmt.Sprintf("[cut: nested deeper than %d levels]", p.depth), budget)
	}
	return p.value(g, depth, budget)
}

// list copies l at level depth, items while they fit.
func (p *pruner) list(l []any, depth, budget int) (any, int, bool) {
	if budget < 2 {
		return nil, 0, false
	}
	out := make([]any, 0, min(len(l), 64))
	n := 2
	for _, e := range l {
		v, vn, ok := p.value(e, depth+1, budget-n-1)
		if !ok {
			p.big = true
			break
		}
		out = append(out, v)
		n += vn + 1
	}
	return out, n, true
}

// fit returns s, or its longest prefix that fits budget followed by "…".
func (p *pruner) fit(s string, budget int) (any, int, bool) {
	if n := stringLen(s); n <= budget {
		return s, n, true
	}
	budget -= stringLen("…")
	if budget < 2 {
		return nil, 0, false
	}
	n, end := 2, 0
	for end < len(s) {
		_, size := utf8.DecodeRuneInString(s[end:])
		rn := stringLen(s[end:end+size]) - 2
		if n+rn > budget {
			break
		}
		n += rn
		end += size
	}
	return s[:end] + "…", n + stringLen("…") - 2, true
}

// stringLen is the size of s as a JSON string, escaped as encoding/json
// does (HTML-safe, invalid UTF-8 as \ufffd).
func stringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// floatLen bounds the size of f as encoding/json writes it.
func floatLen(f float64) int {
	var buf [32]byte
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	return len(strconv.AppendFloat(buf[:0], f, format, -1, 64))
}

// intLen is the size of i in decimal.
func intLen(i int64) int {
	var buf [24]byte
	return len(strconv.AppendInt(buf[:0], i, 10))
}

// nesting returns the deepest nesting of containers in the JSON text raw.
func nesting(raw []byte) int {
	depth, deepest := 0, 0
	var str jsontext.Strings
	for _, c := range raw {
		if str.Step(c) {
			continue
		}
		switch c {
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}

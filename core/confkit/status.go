package confkit

import (
	"fmt"
	"strconv"
	"strings"
)

// StatusRange is an inclusive range of HTTP status codes.
type StatusRange struct{ Lo, Hi int }

// StatusSet is a set of HTTP status codes, as ranges.
type StatusSet []StatusRange

// Contains reports whether code is in the set.
func (s StatusSet) Contains(code int) bool {
	for _, r := range s {
		if code >= r.Lo && code <= r.Hi {
			return true
		}
	}
	return false
}

// String renders the set as ParseStatusSet reads it: "200-299,304".
func (s StatusSet) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		if r.Lo == r.Hi {
			parts[i] = strconv.Itoa(r.Lo)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.Lo, r.Hi)
		}
	}
	return strings.Join(parts, ",")
}

// ParseStatusSet reads a set of status codes (100-599): one code (204), a
// string of codes and ranges separated by commas ("200-299,304", "2xx"),
// or a list of either.
func ParseStatusSet(v any) (StatusSet, error) {
	var out StatusSet
	add := func(item any) error {
		if s, ok := item.(string); ok {
			for part := range strings.SplitSeq(s, ",") {
				r, err := parseStatusRange(strings.TrimSpace(part), s)
				if err != nil {
					return err
				}
				out = append(out, r)
			}
			return nil
		}
		n, err := Int(item)
		if err != nil {
			return Problem(ErrType, `%s is not a status code, a range such as "200-299" or a list of them`, Literal(item))
		}
		if n < 100 || n > 599 {
			return Problem(ErrRange, "%s is not a status code (100-599)", Literal(item))
		}
		out = append(out, StatusRange{int(n), int(n)})
		return nil
	}
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case []int:
		for _, e := range x {
			items = append(items, e)
		}
	case []string:
		for _, e := range x {
			items = append(items, e)
		}
	default:
		items = []any{v}
	}
	for _, item := range items {
		if err := add(item); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, Problem(ErrRequired, "must name at least one status code")
	}
	return out, nil
}

func parseStatusRange(s, whole string) (StatusRange, error) {
	code := func(t string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil {
			return 0, Problem(ErrType, "%q is not a status code", t)
		}
		if n < 100 || n > 599 {
			return 0, Problem(ErrRange, "%q is not a status code (100-599)", t)
		}
		return n, nil
	}
	if len(s) == 3 && strings.EqualFold(s[1:], "xx") && s[0] >= '1' && s[0] <= '5' {
		lo := int(s[0]-'0') * 100
		return StatusRange{lo, lo + 99}, nil
	}
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err := code(lo)
		if err != nil {
			return StatusRange{}, err
		}
		b, err := code(hi)
		if err != nil {
			return StatusRange{}, err
		}
		if a > b {
			return StatusRange{}, Problem(ErrRange, "range %q is empty", s)
		}
		return StatusRange{a, b}, nil
	}
	if s == "" {
		return StatusRange{}, Problem(ErrType, "%q has an empty item", whole)
	}
	return func() (StatusRange, error) { n, err := code(s); return StatusRange{n, n}, err }()
}

// StatusSet returns the status set of key, or def when absent.
func (r *Reader) StatusSet(key string, def StatusSet) StatusSet {
	return get(r, key, def, ParseStatusSet)
}

package core

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// httpDefaultStatus is what a kubelet HTTP probe accepts: 200-399.
func httpDefaultStatus() statusSet { return statusSet{{200, 399}} }

// statusRange is an inclusive range of status codes.
type statusRange struct{ lo, hi int }

// statusSet is the set of status codes expect_status accepts.
type statusSet []statusRange

func (s statusSet) contains(code int) bool {
	for _, r := range s {
		if code >= r.lo && code <= r.hi {
			return true
		}
	}
	return false
}

// String renders the set as expect_status accepts it: "200-299,304".
func (s statusSet) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		if r.lo == r.hi {
			parts[i] = strconv.Itoa(r.lo)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.lo, r.hi)
		}
	}
	return strings.Join(parts, ",")
}

// parseStatusSet reads expect_status: an integer, a string of codes and
// ranges separated by commas, or a list of either.
func parseStatusSet(v any) (statusSet, error) {
	var out statusSet
	add := func(item any) error {
		if s, ok := item.(string); ok {
			for part := range strings.SplitSeq(s, ",") {
				r, err := parseStatusRange(strings.TrimSpace(part))
				if err != nil {
					return err
				}
				out = append(out, r)
			}
			return nil
		}
		n, err := toInt64(item)
		if err != nil {
			return fmt.Errorf("want a status code, a range such as \"200-299\" or a list of them, got %T %v", item, item)
		}
		if n < 100 || n > 599 {
			return fmt.Errorf("%d is not a status code (100-599)", n)
		}
		out = append(out, statusRange{int(n), int(n)})
		return nil
	}
	var err error
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			if err = add(item); err != nil {
				break
			}
		}
	case []int:
		for _, item := range x {
			if err = add(item); err != nil {
				break
			}
		}
	case []string:
		for _, item := range x {
			if err = add(item); err != nil {
				break
			}
		}
	default:
		err = add(v)
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("must name at least one status code")
	}
	return out, nil
}

func parseStatusRange(s string) (statusRange, error) {
	code := func(t string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil {
			return 0, fmt.Errorf("%q is not a status code", t)
		}
		if n < 100 || n > 599 {
			return 0, fmt.Errorf("%d is not a status code (100-599)", n)
		}
		return n, nil
	}
	if len(s) == 3 && strings.EqualFold(s[1:], "xx") && s[0] >= '1' && s[0] <= '5' {
		lo := int(s[0]-'0') * 100
		return statusRange{lo, lo + 99}, nil
	}
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err := code(lo)
		if err != nil {
			return statusRange{}, err
		}
		b, err := code(hi)
		if err != nil {
			return statusRange{}, err
		}
		if a > b {
			return statusRange{}, fmt.Errorf("range %q is empty", s)
		}
		return statusRange{a, b}, nil
	}
	n, err := code(s)
	if err != nil {
		return statusRange{}, err
	}
	return statusRange{n, n}, nil
}

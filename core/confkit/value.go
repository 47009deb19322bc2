package confkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Literal renders a value as the user wrote it, for error messages:
// strings quoted, numbers and booleans as they are, maps and lists by
// kind. A number is never converted or clamped first.
func Literal(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case []byte:
		return strconv.Quote(string(x))
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case json.Number:
		return x.String()
	case time.Duration:
		return x.String()
	case nil:
		return "nothing"
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x)
	}
	switch kindOf(v) {
	case "map":
		return "a map"
	case "list":
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}

// kindOf says whether v is a map or a list of the shapes decoders produce.
func kindOf(v any) string {
	switch v.(type) {
	case map[string]any, map[any]any, map[string]string:
		return "map"
	case []any, []string, []int:
		return "list"
	}
	return ""
}

// String converts a scalar to its text: a string, or a number or boolean
// in its usual form.
func String(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	case float64, float32:
		return Literal(x), nil
	}
	if n, ok := exactInt(v); ok {
		return n, nil
	}
	return "", Problem(ErrType, "%s is not a string", Literal(v))
}

// exactInt renders any Go integer type exactly.
func exactInt(v any) (string, bool) {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), true
	}
	return "", false
}

// Int converts a value to an integer: any Go integer type, a float with
// no fraction, a json.Number or a decimal string. A value beyond int64 is
// an ErrRange error quoting it.
func Int(v any) (int64, error) {
	switch x := v.(type) {
	case int, int8, int16, int32, int64:
		return reflect.ValueOf(x).Int(), nil
	case uint, uint8, uint16, uint32, uint64:
		return uintToInt(reflect.ValueOf(x).Uint())
	case float32:
		return floatToInt(float64(x), v)
	case float64:
		return floatToInt(x, v)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if err != nil {
			return 0, Problem(ErrType, "%s is not an integer", Literal(v))
		}
		return floatToInt(f, v)
	case string:
		s := strings.TrimSpace(x)
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return n, nil
		}
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, Problem(ErrRange, "%s is out of range", Literal(v))
		}
		return 0, Problem(ErrType, "%s is not an integer", Literal(v))
	}
	return 0, Problem(ErrType, "%s is not an integer", Literal(v))
}

func uintToInt(u uint64) (int64, error) {
	if u > math.MaxInt64 {
		return 0, Problem(ErrRange, "%d is out of range", u)
	}
	return int64(u), nil
}

func floatToInt(f float64, v any) (int64, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, Problem(ErrType, "%s is not an integer", Literal(v))
	}
	if f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, Problem(ErrRange, "%s is out of range", Literal(v))
	}
	return int64(f), nil
}

// IntIn converts v with Int and checks that it is in [lo, hi]; the error
// quotes v as written.
func IntIn(v any, lo, hi int64) (int64, error) {
	n, err := Int(v)
	if err != nil {
		if errors.Is(err, ErrRange) {
			return 0, Problem(ErrRange, "%s is out of range [%d, %d]", Literal(v), lo, hi)
		}
		return 0, err
	}
	if n < lo || n > hi {
		return 0, Problem(ErrRange, "%s is out of range [%d, %d]", Literal(v), lo, hi)
	}
	return n, nil
}

// Bool converts a value to a boolean: a bool or a string strconv.ParseBool
// accepts ("true", "1", "false", "0", ...).
func Bool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
			return b, nil
		}
	}
	return false, Problem(ErrType, "%s is not a boolean (true or false)", Literal(v))
}

// Duration converts a value to a duration: a time.Duration or a Go
// duration string ("1.5s", "250ms"). A bare number is ambiguous (seconds?
// milliseconds?) and only 0 is accepted.
func Duration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case time.Duration:
		return x, nil
	case string:
		if d, err := time.ParseDuration(strings.TrimSpace(x)); err == nil {
			return d, nil
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil && n == 0 {
			return 0, nil
		}
	default:
		if n, err := Int(v); err == nil && n == 0 {
			return 0, nil
		}
	}
	return 0, Problem(ErrType, `%s is not a duration (write it as "5s", "250ms", "1m30s")`, Literal(v))
}

// Strings converts a value to a list of strings: a list of scalars, or one
// string split on commas (as an environment variable carries a list).
func Strings(v any) ([]string, []*FieldError) {
	switch x := v.(type) {
	case string:
		var out []string
		for s := range strings.SplitSeq(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	case []string:
		return append([]string(nil), x...), nil
	case []any:
		out := make([]string, 0, len(x))
		var errs []*FieldError
		for i, e := range x {
			s, err := String(e)
			if err != nil {
				errs = append(errs, &FieldError{Path: fmt.Sprintf("[%d]", i), Err: Problem(ErrType, "%s is not a string", Literal(e))})
				continue
			}
			out = append(out, s)
		}
		return out, errs
	}
	return nil, []*FieldError{{Err: Problem(ErrType, "%s is not a list of strings", Literal(v))}}
}

package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// configReader decodes a component's provider config (Component.Config).
// The map usually comes from YAML, JSON or environment variables, so the
// readers accept what those decoders produce: numbers as int, int64, uint64
// or float64, numbers and booleans as strings, maps as map[string]any or
// map[any]any. Every problem is collected, not just the first, and each
// error names its key as "config.<key>: ...".
type configReader struct {
	cfg  map[string]any
	errs []error
}

func newConfigReader(cfg map[string]any) *configReader { return &configReader{cfg: cfg} }

// failf records a problem with key.
func (r *configReader) failf(key, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("config.%s: %s", key, fmt.Sprintf(format, args...)))
}

// err returns every recorded problem joined, or nil.
func (r *configReader) err() error { return errors.Join(r.errs...) }

// value returns the value of key; a key set to nil (YAML "key:") counts as
// absent.
func (r *configReader) value(key string) (any, bool) {
	v, ok := r.cfg[key]
	if !ok || v == nil {
		return nil, false
	}
	return v, true
}

// onlyKeys reports every key of the config that is not in known, so that a
// misspelt key ("expect_stauts") is an error rather than a silently ignored
// setting.
func (r *configReader) onlyKeys(known ...string) {
	var unknown []string
	for k := range r.cfg {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	sorted := slices.Sorted(slices.Values(known))
	for _, k := range unknown {
		r.failf(k, "unknown key (known keys: %s)", strings.Join(sorted, ", "))
	}
}

// str returns the string value of key, or def when absent. Numbers and
// booleans are accepted in their usual text form.
func (r *configReader) str(key, def string) string {
	v, ok := r.value(key)
	if !ok {
		return def
	}
	s, err := scalarString(v)
	if err != nil {
		r.failf(key, "%v", err)
		return def
	}
	return s
}

// requiredStr returns the non-empty string value of key; what tells the
// user what the key is for.
func (r *configReader) requiredStr(key, what string) string {
	if _, ok := r.value(key); !ok {
		r.failf(key, "is required (%s)", what)
		return ""
	}
	n := len(r.errs)
	s := r.str(key, "")
	if strings.TrimSpace(s) == "" && len(r.errs) == n {
		r.failf(key, "must not be empty (%s)", what)
	}
	return s
}

// integer returns the integer value of key within [lo, hi], or def when
// absent.
func (r *configReader) integer(key string, def, lo, hi int64) int64 {
	v, ok := r.value(key)
	if !ok {
		return def
	}
	n, err := toInt64(v)
	if err != nil {
		r.failf(key, "%v", err)
		return def
	}
	if n < lo || n > hi {
		r.failf(key, "%d is out of range [%d, %d]", n, lo, hi)
		return def
	}
	return n
}

// boolean returns the boolean value of key, or def when absent. Strings
// are parsed as strconv.ParseBool does ("true", "1", "false", "0", ...).
func (r *configReader) boolean(key string, def bool) bool {
	v, ok := r.value(key)
	if !ok {
		return def
	}
	switch b := v.(type) {
	case bool:
		return b
	case string:
		p, err := strconv.ParseBool(strings.TrimSpace(b))
		if err != nil {
			r.failf(key, "want true or false, got %q", b)
			return def
		}
		return p
	default:
		r.failf(key, "want true or false, got %T", v)
		return def
	}
}

// duration returns the duration value of key, at least lo, or def when
// absent. It accepts a time.Duration and Go duration strings ("1.5s",
// "250ms"); a bare number is ambiguous and only 0 is accepted.
func (r *configReader) duration(key string, def, lo time.Duration) time.Duration {
	v, ok := r.value(key)
	if !ok {
		return def
	}
	var d time.Duration
	switch x := v.(type) {
	case time.Duration:
		d = x
	case string:
		p, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			r.failf(key, "want a duration such as \"5s\" or \"250ms\", got %q", x)
			return def
		}
		d = p
	default:
		n, err := toInt64(v)
		if err != nil || n != 0 {
			r.failf(key, "want a duration with a unit such as \"5s\" or \"250ms\", got %v", v)
			return def
		}
	}
	if d < lo {
		r.failf(key, "%s must be at least %s", d, lo)
		return def
	}
	return d
}

// stringMap returns the map value of key with string values (scalars are
// converted), or nil when absent. Errors name the entry:
// "config.headers.X-Token: ...".
func (r *configReader) stringMap(key string) map[string]string {
	v, ok := r.value(key)
	if !ok {
		return nil
	}
	out := map[string]string{}
	put := func(k string, val any) {
		s, err := scalarString(val)
		if err != nil {
			r.failf(key+"."+k, "%v", err)
			return
		}
		out[k] = s
	}
	switch m := v.(type) {
	case map[string]string:
		for k, val := range m {
			out[k] = val
		}
	case map[string]any:
		for k, val := range m {
			put(k, val)
		}
	case map[any]any:
		for k, val := range m {
			ks, ok := k.(string)
			if !ok {
				r.failf(key, "keys must be strings, got %T %v", k, k)
				continue
			}
			put(ks, val)
		}
	default:
		r.failf(key, "want a map of names to strings, got %T", v)
		return nil
	}
	return out
}

// scalarString converts a scalar config value to its text form.
func scalarString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), nil
	}
	if n, err := toInt64(v); err == nil {
		return strconv.FormatInt(n, 10), nil
	}
	return "", fmt.Errorf("want a string, got %T", v)
}

// toInt64 converts a config value to an integer: any Go integer type, a
// float with no fractional part (JSON and some YAML decoders), a
// json.Number or a decimal string (environment variables).
func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint:
		return uintToInt64(uint64(x))
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return uintToInt64(x)
	case float32:
		return floatToInt64(float64(x))
	case float64:
		return floatToInt64(x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("want an integer, got %q", x.String())
		}
		return floatToInt64(f)
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want an integer, got %q", x)
		}
		return n, nil
	default:
		return 0, fmt.Errorf("want an integer, got %T", v)
	}
}

func uintToInt64(u uint64) (int64, error) {
	if u > math.MaxInt64 {
		return 0, fmt.Errorf("%d is too large", u)
	}
	return int64(u), nil
}

func floatToInt64(f float64) (int64, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, fmt.Errorf("want an integer, got %v", f)
	}
	if f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, fmt.Errorf("%v is out of range", f)
	}
	return int64(f), nil
}

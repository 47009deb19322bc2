package config

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder turns the loosely typed map koanf produces into typed values,
// collecting one KeyError per problem. Values from the environment or flags
// arrive as strings and are parsed; sources maps a key to where it came
// from when that was not a file.
type decoder struct {
	errs    []error
	sources map[string]string
}

func (d *decoder) fail(key string, err error) {
	d.errs = append(d.errs, &KeyError{Key: key, Source: d.source(key), Err: err})
}

func (d *decoder) failf(key, format string, args ...any) { d.fail(key, fmt.Errorf(format, args...)) }

// source returns where key, a parent set as a whole, or else a key below
// it came from.
func (d *decoder) source(key string) string {
	for k := key; k != ""; {
		if s, ok := d.sources[k]; ok {
			return s
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	for _, k := range slices.Sorted(maps.Keys(d.sources)) {
		if strings.HasPrefix(k, key+".") {
			return d.sources[k]
		}
	}
	return ""
}

// object returns v as a map, reporting keys outside known as unknown. A
// missing (nil) object is empty.
func (d *decoder) object(key string, v any, known ...string) map[string]any {
	if v == nil {
		return map[string]any{}
	}
	m, ok := v.(map[string]any)
	if !ok {
		d.failf(key, "%s is not a map of keys", describe(v))
		return map[string]any{}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(known, k) {
			d.fail(join(key, k), errUnknownKey)
		}
	}
	return m
}

func (d *decoder) str(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int, int64, float64, bool:
		return fmt.Sprint(x)
	}
	d.failf(key, "%s is not a string", describe(v))
	return ""
}

func (d *decoder) duration(key string, v any) time.Duration {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		dur, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			d.failf(key, "%q is not a duration (write it as \"5s\", \"250ms\", \"1m30s\")", x)
			return 0
		}
		if dur < 0 {
			d.failf(key, "%s must not be negative", x)
			return 0
		}
		return dur
	case int:
		if x == 0 {
			return 0
		}
	}
	d.failf(key, "%s is not a duration (write it as \"5s\", \"250ms\", \"1m30s\")", describe(v))
	return 0
}

func (d *decoder) integer(key string, v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case int:
		return x
	case int64:
		if x >= math.MinInt && x <= math.MaxInt {
			return int(x)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x)
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n
		}
	}
	d.failf(key, "%s is not an integer", describe(v))
	return 0
}

func (d *decoder) boolean(key string, v any, def bool) bool {
	switch x := v.(type) {
	case nil:
		return def
	case bool:
		return x
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
			return b
		}
	}
	d.failf(key, "%s is not a boolean (true or false)", describe(v))
	return def
}

// strings decodes a list of strings; a single string (from the
// environment or a flag) is split on commas.
func (d *decoder) strings(key string, v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		var out []string
		for s := range strings.SplitSeq(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return slices.Clone(x)
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				d.failf(index(key, i), "%s is not a string", describe(e))
				continue
			}
			out = append(out, s)
		}
		return out
	}
	d.failf(key, "%s is not a list of strings", describe(v))
	return nil
}

// list decodes a list; a string (from the environment) is parsed as a YAML
// or JSON list, as VITALS_HEALTH__CHECKS='[{name: db, provider: tcp}]'.
func (d *decoder) list(key string, v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case string:
		var out []any
		if err := yaml.Unmarshal([]byte(x), &out); err != nil {
			d.failf(key, "is not a YAML list: %v", err)
			return nil
		}
		return out
	}
	d.failf(key, "%s is not a list", describe(v))
	return nil
}

// freeMap decodes a map whose keys are not Vitals' business (a check's config).
func (d *decoder) freeMap(key string, v any) map[string]any {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return x
	}
	d.failf(key, "%s is not a map of keys", describe(v))
	return nil
}

func join(key, child string) string {
	if key == "" {
		return child
	}
	return key + "." + child
}

func index(key string, i int) string { return fmt.Sprintf("%s[%d]", key, i) }

// describe prints a value for an error message: strings quoted, others as
// they are, maps and lists by kind.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

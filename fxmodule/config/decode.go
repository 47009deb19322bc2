package config

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vitals-go/vitals/core/confkit"
)

// decoder routes the values of the loosely typed map koanf produces to
// package confkit, which converts them (the one decoder of loose config),
// and records one *KeyError per problem with its full key and, when the
// value did not come from a file, its source (sources maps a key to where
// it came from).
type decoder struct {
	errs    []error
	sources map[string]string
}

func (d *decoder) fail(key string, err error) {
	d.errs = append(d.errs, &KeyError{Path: key, Source: d.source(key), Err: err})
}

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
	m, err := confkit.Map(v)
	if err != nil {
		d.fail(key, err)
		return map[string]any{}
	}
	for _, fe := range confkit.Unknown(m, known...) {
		d.fail(join(key, fe.Path), fe.Err)
	}
	return m
}

func (d *decoder) str(key string, v any) string {
	if v == nil {
		return ""
	}
	s, err := confkit.String(v)
	if err != nil {
		d.fail(key, err)
	}
	return s
}

func (d *decoder) duration(key string, v any) time.Duration {
	if v == nil {
		return 0
	}
	dur, err := confkit.Duration(v)
	switch {
	case err != nil:
		d.fail(key, err)
	case dur < 0:
		d.fail(key, confkit.Problem(confkit.ErrRange, "%s must not be negative", confkit.Literal(v)))
	default:
		return dur
	}
	return 0
}

func (d *decoder) integer(key string, v any) int {
	if v == nil {
		return 0
	}
	n, err := confkit.IntIn(v, math.MinInt, math.MaxInt)
	if err != nil {
		d.fail(key, err)
	}
	return int(n)
}

func (d *decoder) boolean(key string, v any, def bool) bool {
	if v == nil {
		return def
	}
	b, err := confkit.Bool(v)
	if err != nil {
		d.fail(key, err)
		return def
	}
	return b
}

// strings decodes a list of strings; a single string (from the
// environment or a flag) is split on commas.
func (d *decoder) strings(key string, v any) []string {
	if v == nil {
		return nil
	}
	out, errs := confkit.Strings(v)
	for _, fe := range errs {
		d.fail(confkit.JoinPath(key, fe.Path), fe.Err)
	}
	return out
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
			d.fail(key, confkit.Problem(confkit.ErrType, "is not a YAML list: %v", err))
			return nil
		}
		return out
	}
	d.fail(key, confkit.Problem(confkit.ErrType, "%s is not a list", confkit.Literal(v)))
	return nil
}

// freeMap decodes a map whose keys are not Vitals' business (a check's config).
func (d *decoder) freeMap(key string, v any) map[string]any {
	if v == nil {
		return nil
	}
	m, err := confkit.Map(v)
	if err != nil {
		d.fail(key, err)
		return nil
	}
	return m
}

func join(key, child string) string { return confkit.JoinPath(key, child) }

func index(key string, i int) string { return fmt.Sprintf("%s[%d]", key, i) }

// err returns the decoder's problems joined.
func (d *decoder) err() error { return errors.Join(d.errs...) }

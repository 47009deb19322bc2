package config

import (
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vitals-go/vitals/core/confkit"
)

// yamlLists parses the lists of objects that arrive as one string (an
// environment variable, VITALS_HEALTH__CHECKS='[{name: db, provider:
// tcp}]') as YAML or JSON, in place, so the reader sees a list.
func yamlLists(raw map[string]any) []*confkit.FieldError {
	var errs []*confkit.FieldError
	for _, key := range []string{"health.checks", "health.notify.webhooks"} {
		parts := strings.Split(key, ".")
		m := raw
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				m = nil
				break
			}
			m = next
		}
		last := parts[len(parts)-1]
		s, ok := m[last].(string)
		if m == nil || !ok {
			continue
		}
		var list []any
		if err := yaml.Unmarshal([]byte(s), &list); err != nil {
			errs = append(errs, &confkit.FieldError{Path: key, Err: confkit.Problem(confkit.ErrType, "is not a YAML list: %v", err)})
			delete(m, last)
			continue
		}
		m[last] = list
	}
	return errs
}

// source returns where key, a parent set as a whole, or else a key below
// it came from; "" for a file.
func source(sources map[string]string, key string) string {
	for k := key; k != ""; {
		if s, ok := sources[k]; ok {
			return s
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	for _, k := range slices.Sorted(maps.Keys(sources)) {
		if strings.HasPrefix(k, key+".") {
			return sources[k]
		}
	}
	return ""
}

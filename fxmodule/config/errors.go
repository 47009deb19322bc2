package config

import (
	"errors"
	"fmt"
	"strings"
)

// KeyError is a problem with one configuration key. Key is the full path,
// as "health.checks[2].interval".
type KeyError struct {
	// Key is the full path of the key.
	Key string
	// Source says where the value came from when it was not a file, as
	// "environment variable VITALS_HEALTH__INTERVAL"; it may be empty.
	Source string
	// Err is the problem.
	Err error
}

// Error returns "key: problem", with the source in parentheses when known.
func (e *KeyError) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("%s: %v (from %s)", e.Key, e.Err, e.Source)
	}
	return fmt.Sprintf("%s: %v", e.Key, e.Err)
}

// Unwrap returns the underlying problem.
func (e *KeyError) Unwrap() error { return e.Err }

// errUnknownKey is the problem of a key that Vitals does not know.
var errUnknownKey = errors.New("unknown key")

// IsUnknownKey reports whether err is, or joins, an unknown-key error.
func IsUnknownKey(err error) bool { return errors.Is(err, errUnknownKey) }

// ComponentError maps an error from core (component validation, provider
// lookup or provider configuration, wrapped as `core: component "x": field:
// problem`) onto the key of the check it came from: each field problem
// becomes "prefix.field: problem". Other errors get "prefix: error".
func ComponentError(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, leaf := range leaves(err) {
		msg := strings.TrimPrefix(leaf.Error(), "core: ")
		if rest, ok := strings.CutPrefix(msg, "component "); ok {
			// component "name": rest
			if i := strings.Index(rest, ": "); i >= 0 {
				msg = rest[i+2:]
			}
		}
		key, problem := prefix, msg
		if field, p, ok := strings.Cut(msg, ": "); ok && isField(field) {
			key, problem = prefix+"."+field, p
			// core's providers name their keys in full: "config: config.url: ...".
			if sub, p, ok := strings.Cut(problem, ": "); ok && strings.HasPrefix(sub, field+".") && isField(sub) {
				key, problem = prefix+"."+sub, p
			}
		}
		out = append(out, &KeyError{Key: key, Err: &wrapped{msg: problem, err: leaf}})
	}
	return errors.Join(out...)
}

// leaves flattens joined errors (and the single-error wrapping around a
// join, as core's `component %q: %w` of a join).
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	if inner := errors.Unwrap(err); inner != nil {
		if _, ok := inner.(interface{ Unwrap() []error }); ok {
			prefix := strings.TrimSuffix(err.Error(), inner.Error())
			var out []error
			for _, e := range leaves(inner) {
				out = append(out, &wrapped{msg: prefix + e.Error(), err: e})
			}
			return out
		}
	}
	return []error{err}
}

// isField reports whether s looks like a field name ("interval",
// "groups[0]", "config"), not a free sentence.
func isField(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '[' || r == ']' || r == '.') {
			return false
		}
	}
	return true
}

// wrapped is an error with its own text that still unwraps to the original.
type wrapped struct {
	msg string
	err error
}

// Error returns the wrapped error's own text.
func (w *wrapped) Error() string { return w.msg }

// Unwrap returns the original error.
func (w *wrapped) Unwrap() error { return w.err }

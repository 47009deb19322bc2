package confkit

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Reader reads the keys of one map, collecting a *FieldError per problem;
// a getter returns its default when the key is absent or bad. A key set to
// nil (YAML "key:") counts as absent. Object and Objects return readers
// for nested maps that share the parent's problems and extend its path.
// A Reader is not safe for concurrent use.
type Reader struct {
	m    map[string]any
	path string
	errs *[]error
}

// NewReader returns a reader of m; a nil m reads as empty.
func NewReader(m map[string]any) *Reader {
	return &Reader{m: m, errs: new([]error)}
}

// Path returns the reader's path below the root reader ("" at the root).
func (r *Reader) Path() string { return r.path }

// Map returns the map the reader reads.
func (r *Reader) Map() map[string]any { return r.m }

// Err returns every problem recorded so far, joined, or nil.
func (r *Reader) Err() error { return errors.Join(*r.errs...) }

// Fail records err as a problem with key (a path below the reader's;
// "" for the reader's map itself).
func (r *Reader) Fail(key string, err error) {
	*r.errs = append(*r.errs, &FieldError{Path: JoinPath(r.path, key), Err: err})
}

// Failf records a formatted problem of kind ErrInvalid with key (a rule of
// the key's own, as "must be an absolute URL"); use Fail to wrap an error.
func (r *Reader) Failf(key, format string, args ...any) {
	r.Fail(key, Problem(ErrInvalid, format, args...))
}

// Value returns the raw value of key and whether it is set (not nil).
func (r *Reader) Value(key string) (any, bool) {
	v, ok := r.m[key]
	return v, ok && v != nil
}

// Only reports every key that is not in known as ErrUnknownKey, so a
// misspelt key ("expect_stauts") is an error rather than ignored.
func (r *Reader) Only(known ...string) {
	for _, fe := range Unknown(r.m, known...) {
		r.Fail(fe.Path, fe.Err)
	}
}

// Unknown returns an ErrUnknownKey problem for every key of m that is not
// in known, in key order.
func Unknown(m map[string]any, known ...string) []*FieldError {
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	list := strings.Join(slices.Sorted(slices.Values(known)), ", ")
	out := make([]*FieldError, len(unknown))
	for i, k := range unknown {
		out[i] = &FieldError{Path: k, Err: Problem(ErrUnknownKey, "unknown key (known keys: %s)", list)}
	}
	return out
}

// String returns the text of key (numbers and booleans in their usual
// form), or def when absent.
func (r *Reader) String(key, def string) string { return get(r, key, def, String) }

// get returns parse of key's value, or def when key is absent or parse
// fails (the error recorded as key's problem): the shape of every getter
// of one value.
func get[T any](r *Reader, key string, def T, parse func(any) (T, error)) T {
	v, ok := r.Value(key)
	if !ok {
		return def
	}
	x, err := parse(v)
	if err != nil {
		r.Fail(key, err)
		return def
	}
	return x
}

// RequiredString returns the text of key, which must be set and not
// blank; what says what the key is for, in the error.
func (r *Reader) RequiredString(key, what string) string {
	v, ok := r.Value(key)
	if !ok {
		r.Fail(key, Problem(ErrRequired, "is required (%s)", what))
		return ""
	}
	s, err := String(v)
	switch {
	case err != nil:
		r.Fail(key, err)
	case strings.TrimSpace(s) == "":
		r.Fail(key, Problem(ErrRequired, "must not be empty (%s)", what))
	}
	return s
}

// Int returns the integer value of key, which must be in [lo, hi], or def
// when absent.
func (r *Reader) Int(key string, def, lo, hi int64) int64 {
	return get(r, key, def, func(v any) (int64, error) { return IntIn(v, lo, hi) })
}

// Bool returns the boolean value of key, or def when absent.
func (r *Reader) Bool(key string, def bool) bool { return get(r, key, def, Bool) }

// Duration returns the duration value of key, which must be in [lo, hi]
// (hi <= 0: no upper bound), or def when absent.
func (r *Reader) Duration(key string, def, lo, hi time.Duration) time.Duration {
	return get(r, key, def, func(v any) (time.Duration, error) {
		d, err := Duration(v)
		switch {
		case err != nil:
			return 0, err
		case hi > 0 && (d < lo || d > hi):
			return 0, Problem(ErrRange, "%s is out of range [%s, %s]", Literal(v), lo, hi)
		case d < 0 && lo == 0:
			return 0, Problem(ErrRange, "%s must not be negative", Literal(v))
		case d < lo:
			return 0, Problem(ErrRange, "%s must be at least %s", Literal(v), lo)
		}
		return d, nil
	})
}

// Strings returns the list of strings of key (one string is split on
// commas), or nil when absent. Errors name the item: "groups[1]".
func (r *Reader) Strings(key string) []string {
	v, ok := r.Value(key)
	if !ok {
		return nil
	}
	out, errs := Strings(v)
	for _, e := range errs {
		r.Fail(JoinPath(key, e.Path), e.Err)
	}
	return out
}

// StringMap returns the map of key with its values as text, or nil when
// absent. Errors name the entry: "headers.X-Token".
func (r *Reader) StringMap(key string) map[string]string {
	m := r.AnyMap(key)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s, err := String(m[k])
		if err != nil {
			r.Fail(JoinPath(key, k), err)
			continue
		}
		out[k] = s
	}
	return out
}

// AnyMap returns the map of key as it is, its keys not checked, or nil
// when absent. A map with non-string keys (some YAML decoders) is
// converted.
func (r *Reader) AnyMap(key string) map[string]any { return get(r, key, nil, Map) }

// Object returns a reader of the map of key, reporting keys outside known
// (when any are given). An absent key reads as an empty map.
func (r *Reader) Object(key string, known ...string) *Reader {
	sub := &Reader{m: r.AnyMap(key), path: JoinPath(r.path, key), errs: r.errs}
	if len(known) > 0 {
		sub.Only(known...)
	}
	return sub
}

// Objects returns a reader per item of the list of maps of key, each
// reporting keys outside known; nil when absent.
func (r *Reader) Objects(key string, known ...string) []*Reader {
	v, ok := r.Value(key)
	if !ok {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		r.Fail(key, Problem(ErrType, "%s is not a list", Literal(v)))
		return nil
	}
	out := make([]*Reader, len(items))
	for i, item := range items {
		p := JoinPath(key, fmt.Sprintf("[%d]", i))
		m, err := Map(item)
		if err != nil && item != nil {
			r.Fail(p, err)
		}
		out[i] = &Reader{m: m, path: JoinPath(r.path, p), errs: r.errs}
		if len(known) > 0 {
			out[i].Only(known...)
		}
	}
	return out
}

// Map converts a value to a map[string]any: a map[string]any as it is, a
// map[string]string or a map[any]any with string keys (some YAML
// decoders) copied; nil is an empty map.
func Map(v any) (map[string]any, error) {
	switch m := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return m, nil
	case map[string]string:
		out := make(map[string]any, len(m))
		for k, s := range m {
			out[k] = s
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, e := range m {
			ks, ok := k.(string)
			if !ok {
				return nil, Problem(ErrType, "key %s is not a string", Literal(k))
			}
			out[ks] = e
		}
		return out, nil
	}
	return nil, Problem(ErrType, "%s is not a map of keys", Literal(v))
}

package confkit

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is a configuration problem and the key it is about.
type FieldError struct {
	// Path names the key, relative to what was read: "url",
	// "headers.X-Token", "webhooks[1].url". Prefix makes it longer; empty
	// means the configuration as a whole.
	Path string
	// Source says where the value came from when that was not a file, as
	// "environment variable VITALS_HEALTH__INTERVAL"; it may be empty.
	Source string
	// Err is the problem. It unwraps to a Kind when it is one of the
	// common ones.
	Err error
}

// Error returns "path: problem", with the source in parentheses when
// known.
func (e *FieldError) Error() string {
	msg := e.Err.Error()
	if e.Path != "" {
		msg = e.Path + ": " + msg
	}
	if e.Source != "" {
		msg += " (from " + e.Source + ")"
	}
	return msg
}

// Unwrap returns the problem.
func (e *FieldError) Unwrap() error { return e.Err }

// Errorf returns a *FieldError for path with a formatted cause. A %w verb
// wraps as fmt.Errorf does.
func Errorf(path, format string, args ...any) *FieldError {
	return &FieldError{Path: path, Err: fmt.Errorf(format, args...)}
}

// Kind is a common kind of problem; a FieldError's cause unwraps to it.
type Kind string

// Error returns the kind's name.
func (k Kind) Error() string { return string(k) }

// The kinds of problem the Reader reports.
const (
	// ErrType: the value has the wrong type or does not parse ("5 sec" for
	// a duration, a map for a string).
	ErrType Kind = "wrong type"
	// ErrRange: the value parses but is out of its range.
	ErrRange Kind = "out of range"
	// ErrRequired: the key is missing or empty.
	ErrRequired Kind = "required"
	// ErrUnknownKey: the key is not one the reader knows (often a typo).
	ErrUnknownKey Kind = "unknown key"
	// ErrInvalid: the value is well typed but not valid for the key.
	ErrInvalid Kind = "invalid"
)

// kindError is a problem of a Kind with its own message.
type kindError struct {
	kind Kind
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// Problem returns an error of kind with a formatted message; the message
// is all its text, the kind is for errors.Is.
func Problem(kind Kind, format string, args ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// JoinPath joins a parent path and a child: "a" + "b" is "a.b", "a" +
// "[1]" is "a[1]", and an empty side is left out.
func JoinPath(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}

// Prefix returns err with prefix put in front of the path of every
// *FieldError in it, errors joined with errors.Join staying separate.
// An error that holds no *FieldError becomes one with path prefix; a
// wrapper around field errors (as "component \"x\": %w") is dropped, the
// paths saying where each problem is. Prefix(p, nil) is nil.
func Prefix(prefix string, err error) error {
	if err == nil {
		return nil
	}
	return errors.Join(prefixed(prefix, err)...)
}

// Fields returns the *FieldErrors in err's tree, in order: through joins
// and wrappers (as "echomw: %w" around a join), not into a *FieldError's
// own cause. Use Prefix first for full paths.
func Fields(err error) []*FieldError {
	switch x := err.(type) {
	case nil:
		return nil
	case *FieldError:
		return []*FieldError{x}
	case interface{ Unwrap() []error }:
		var out []*FieldError
		for _, e := range x.Unwrap() {
			out = append(out, Fields(e)...)
		}
		return out
	case interface{ Unwrap() error }:
		return Fields(x.Unwrap())
	}
	return nil
}

func prefixed(prefix string, err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, prefixed(prefix, e)...)
		}
		return out
	}
	if fe, ok := err.(*FieldError); ok {
		path := JoinPath(prefix, fe.Path)
		if hasField(fe.Err) {
			return prefixed(path, fe.Err)
		}
		return []error{&FieldError{Path: path, Source: fe.Source, Err: fe.Err}}
	}
	if inner := errors.Unwrap(err); inner != nil && hasField(inner) {
		return prefixed(prefix, inner)
	}
	return []error{&FieldError{Path: prefix, Err: err}}
}

// hasField reports whether err holds a *FieldError.
func hasField(err error) bool {
	var fe *FieldError
	return errors.As(err, &fe)
}

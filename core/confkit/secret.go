package confkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// MaxSecretFileBytes bounds a file read for a ${file:PATH} reference.
const MaxSecretFileBytes = 64 << 10

// Redacted replaces a secret in redacted text.
const Redacted = "[redacted]"

// secretRef matches ${env:NAME} and ${file:PATH}.
var secretRef = regexp.MustCompile(`\$\{(env|file):([^}]*)\}`)

// Secrets resolves secret references in configuration strings and redacts
// the values it resolved. A string value may be, or contain,
// ${env:NAME} (the environment variable NAME) or ${file:PATH} (the
// content of the file at PATH, without a trailing newline, at most
// MaxSecretFileBytes). Every value resolved is remembered, and Redact,
// RedactError and Handler replace it by Redacted wherever it appears, so
// a secret never reaches an error, a log or a response by value.
//
// Redaction replaces every occurrence of a value, so a secret should be
// long enough not to occur by chance (a token, not "1").
//
// The zero Secrets reads the process environment and files; a nil
// *Secrets resolves nothing and redacts nothing. It is safe for concurrent
// use once resolved.
type Secrets struct {
	// LookupEnv looks up an environment variable (nil: os.LookupEnv).
	LookupEnv func(name string) (string, bool)
	// Open opens a file (nil: os.Open).
	Open func(path string) (io.ReadCloser, error)

	mu     sync.RWMutex
	values []string // longest first, so a secret containing another is redacted whole
}

// Resolve replaces the references in every string of m, nested maps and
// lists included, in place. A missing variable or file is a *FieldError
// naming the key ("health.token"); its text never holds a resolved value.
func (s *Secrets) Resolve(m map[string]any) error {
	var errs []error
	s.walk("", m, &errs)
	return errors.Join(errs...)
}

func (s *Secrets) walk(path string, v any, errs *[]error) any {
	switch x := v.(type) {
	case string:
		return s.resolve(path, x, errs)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			x[k] = s.walk(JoinPath(path, k), x[k], errs)
		}
	case []any:
		for i := range x {
			x[i] = s.walk(fmt.Sprintf("%s[%d]", path, i), x[i], errs)
		}
	}
	return v
}

func (s *Secrets) resolve(path, v string, errs *[]error) string {
	if !strings.Contains(v, "${") {
		return v
	}
	return secretRef.ReplaceAllStringFunc(v, func(ref string) string {
		m := secretRef.FindStringSubmatch(ref)
		val, err := s.lookup(m[1], m[2])
		if err != nil {
			*errs = append(*errs, &FieldError{Path: path, Err: err})
			return ""
		}
		s.add(val)
		return val
	})
}

func (s *Secrets) lookup(kind, name string) (string, error) {
	if name == "" {
		return "", Problem(ErrInvalid, "${%s:} names no %s", kind, map[string]string{"env": "variable", "file": "file"}[kind])
	}
	if kind == "env" {
		look := s.LookupEnv
		if look == nil {
			look = os.LookupEnv
		}
		v, ok := look(name)
		if !ok {
			return "", Problem(ErrRequired, "${env:%s}: the environment variable %s is not set", name, name)
		}
		return v, nil
	}
	open := s.Open
	if open == nil {
		open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	f, err := open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", Problem(ErrRequired, "${file:%s}: cannot read the file: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFileBytes+1))
	switch {
	case err != nil:
		return "", Problem(ErrRequired, "${file:%s}: cannot read the file", name)
	case len(b) > MaxSecretFileBytes:
		return "", Problem(ErrRange, "${file:%s}: the file is larger than %d bytes", name, MaxSecretFileBytes)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func (s *Secrets) add(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(s.values, v) {
		return
	}
	s.values = append(s.values, v)
	slices.SortFunc(s.values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
}

// Len returns how many distinct secret values were resolved.
func (s *Secrets) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values)
}

// Redact returns text with every resolved secret replaced by Redacted.
func (s *Secrets) Redact(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}

// RedactError returns err with its text redacted. Joined errors stay
// joined and a *FieldError stays one (with its cause redacted), so paths
// and errors.As still work; errors.Is still finds the original causes.
func (s *Secrets) RedactError(err error) error {
	if err == nil || s.Len() == 0 {
		return err
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, s.RedactError(e))
		}
		return errors.Join(out...)
	}
	if fe, ok := err.(*FieldError); ok {
		return &FieldError{Path: fe.Path, Source: fe.Source, Err: s.RedactError(fe.Err)}
	}
	msg := err.Error()
	if s.Redact(msg) == msg {
		return err
	}
	if inner := errors.Unwrap(err); inner != nil && hasField(inner) {
		// Prefix and Fields look through wrappers: redact what they reach.
		return &redactedError{msg: s.Redact(msg), err: s.RedactError(inner)}
	}
	return &redactedError{msg: s.Redact(msg), err: err}
}

// redactedError has redacted text and unwraps to the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Handler returns a slog.Handler that redacts the message and every
// attribute value before passing records to h. With no secrets it
// returns h.
func (s *Secrets) Handler(h slog.Handler) slog.Handler {
	if s.Len() == 0 {
		return h
	}
	return &redactHandler{next: h, s: s}
}

type redactHandler struct {
	next slog.Handler
	s    *Secrets
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.s.Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(red), s: h.s}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), s: h.s}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(h.s.Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]slog.Attr, len(g))
		for i, ga := range g {
			red[i] = h.attr(ga)
		}
		a.Value = slog.GroupValue(red...)
	case slog.KindAny:
		if text := fmt.Sprint(v.Any()); h.s.Redact(text) != text {
			a.Value = slog.StringValue(h.s.Redact(text))
		}
	default:
		a.Value = v
	}
	return a
}

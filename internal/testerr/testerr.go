// Package testerr checks what an error says, for Vitals' own tests of
// configuration errors (an error must name the key and what was wrong).
package testerr

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Says reports whether err is not nil. It fails the test (t.Errorf,
// prefixed by label) when err is nil, and once for each of want that err's
// text does not contain.
func Says(t testing.TB, label string, err error, want ...string) bool {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one saying %q", label, want)
		return false
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q does not say %q", label, err, w)
		}
	}
	return true
}

// Fails runs f with a testing.TB over t whose Errorf records instead of
// failing (Fatal and the rest still go to t), and fails t unless f
// reported exactly want, in order: for testing test helpers.
func Fails(t testing.TB, want []string, f func(testing.TB)) {
	t.Helper()
	r := &recorder{TB: t}
	f(r)
	if !slices.Equal(r.errs, want) {
		t.Errorf("failures %q, want %q", r.errs, want)
	}
}

// recorder is a testing.TB whose Errorf records the message in errs.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

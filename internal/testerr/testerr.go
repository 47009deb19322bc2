// Package testerr checks what an error says, for Vitals' own tests of
// configuration errors (an error must name the key and what was wrong).
package testerr

import (
	"fmt"
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

// Recorder is a testing.TB whose Errorf records the failure in Errs
// instead of failing the test: for testing test helpers. Everything else
// (Fatal included) goes to the embedded TB.
type Recorder struct {
	testing.TB
	// Errs are the messages given to Errorf, in order.
	Errs []string
}

// Errorf records the formatted message.
func (r *Recorder) Errorf(format string, args ...any) {
	r.Errs = append(r.Errs, fmt.Sprintf(format, args...))
}

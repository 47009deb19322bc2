package testerr_test

import (
	"errors"
	"testing"

	"github.com/vitals-go/vitals/internal/testerr"
)

// TestSays: nil is one failure; each missing text is one failure.
func TestSays(t *testing.T) {
	testerr.Fails(t, []string{`nil: no error, want one saying ["x"]`, `cfg: error "Key: bad value" does not say "missing"`}, func(tb testing.TB) {
		if testerr.Says(tb, "nil", nil, "x") {
			t.Error("Says(nil) = true")
		}
		if !testerr.Says(tb, "cfg", errors.New("Key: bad value"), "Key:", "bad", "missing") {
			t.Error("Says(an error) = false")
		}
	})
}

// TestFailsWhenOthers: failures other than those wanted fail the test.
func TestFailsWhenOthers(t *testing.T) {
	testerr.Fails(t, []string{`failures ["a"], want []`}, func(tb testing.TB) {
		testerr.Fails(tb, nil, func(tb testing.TB) { tb.Errorf("a") })
	})
}

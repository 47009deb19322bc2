package testerr_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/vitals-go/vitals/internal/testerr"
)

// TestSays: nil is one failure; each missing text is one failure.
func TestSays(t *testing.T) {
	r := &testerr.Recorder{TB: t}
	if testerr.Says(r, "nil", nil, "x") {
		t.Error("Says(nil) = true")
	}
	if !testerr.Says(r, "cfg", errors.New("Key: bad value"), "Key:", "bad", "missing") {
		t.Error("Says(an error) = false")
	}
	want := []string{`nil: no error, want one saying ["x"]`, `cfg: error "Key: bad value" does not say "missing"`}
	if !slices.Equal(r.Errs, want) {
		t.Errorf("failures %q, want %q", r.Errs, want)
	}
}

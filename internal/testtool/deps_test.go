package testtool_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/vitals-go/vitals/internal/testtool"
)

// errorRecorder is a testing.TB whose Errorf records instead of failing.
type errorRecorder struct {
	testing.TB
	errs []string
}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestLinksNone: a forbidden package this package links is named once; a
// forbidden path it does not link is not.
func TestLinksNone(t *testing.T) {
	r := &errorRecorder{TB: t}
	testtool.LinksNone(r, "testtool", "os/exec", "github.com/labstack")
	if want := []string{"testtool links os/exec"}; !slices.Equal(r.errs, want) {
		t.Errorf("errors %q, want %q", r.errs, want)
	}
}

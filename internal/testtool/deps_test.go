package testtool_test

import (
	"slices"
	"testing"

	"github.com/vitals-go/vitals/internal/testerr"
	"github.com/vitals-go/vitals/internal/testtool"
)

// TestLinksNone: a forbidden package this package links is named once; a
// forbidden path it does not link is not.
func TestLinksNone(t *testing.T) {
	r := &testerr.Recorder{TB: t}
	testtool.LinksNone(r, "testtool", "os/exec", "github.com/labstack")
	if want := []string{"testtool links os/exec"}; !slices.Equal(r.Errs, want) {
		t.Errorf("errors %q, want %q", r.Errs, want)
	}
}

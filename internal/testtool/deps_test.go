package testtool_test

import (
	"slices"
	"testing"

	"github.com/vitals-go/vitals/internal/testerr"
	"github.com/vitals-go/vitals/internal/testtool"
)

// TestLinksNone: each linked package that is forbidden, or below a
// forbidden path, is named once; a forbidden path not linked is not.
func TestLinksNone(t *testing.T) {
	for _, c := range []struct {
		forbidden []string
		want      []string
	}{
		{[]string{"os/exec", "github.com/labstack"}, []string{"testtool links os/exec"}},
		{[]string{"os"}, []string{"testtool links os", "testtool links os/exec"}},
		{[]string{"github.com/labstack"}, nil},
	} {
		r := &testerr.Recorder{TB: t}
		testtool.LinksNone(r, "testtool", c.forbidden...)
		if !slices.Equal(r.Errs, c.want) {
			t.Errorf("forbidding %q: errors %q, want %q", c.forbidden, r.Errs, c.want)
		}
	}
}

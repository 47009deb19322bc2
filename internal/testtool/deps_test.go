package testtool_test

import (
	"testing"

	"github.com/vitals-go/vitals/internal/testerr"
	"github.com/vitals-go/vitals/internal/testtool"
)

// TestLinksNone: each linked package that is forbidden, or below a
// forbidden path, is named once (os, os/exec); a forbidden path not linked
// is not.
func TestLinksNone(t *testing.T) {
	testerr.Fails(t, []string{"testtool links os", "testtool links os/exec"}, func(tb testing.TB) {
		testtool.LinksNone(tb, "testtool", "os", "github.com/labstack")
	})
}

package echomw_test

import (
	"testing"

	"github.com/vitals-go/vitals/internal/testtool"
)

// echomw is the net/http handler: it links no echo (echomw/echoroute
// registers it on echo), so a net/http service pays for none.
// .ci/sizes.sh holds what it adds over core to 1.5 MB.
func TestLinksNoEcho(t *testing.T) {
	testtool.LinksNone(t, "echomw", "github.com/labstack")
}

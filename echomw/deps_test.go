package echomw_test

import (
	"os/exec"
	"strings"
	"testing"
)

// echomw is the net/http handler: it links no echo (echomw/echoroute
// registers it on echo), so a net/http service pays for none.
// .ci/sizes.sh holds what it adds over core to 1.5 MB.
func TestLinksNoEcho(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/labstack/") {
			t.Errorf("echomw links %s", dep)
		}
	}
}

package testtool

import (
	"os/exec"
	"strings"
	"testing"
)

// LinksNone lists the packages the package in the current directory links
// (go list -deps .) and fails the test, as "<what> links <package>", for
// each that is one of forbidden or below one of them (a module path
// forbids its packages). It fails when go list fails or lists fewer than
// 10 packages (the listing went wrong).
func LinksNone(t testing.TB, what string, forbidden ...string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("%s links %s", what, dep)
			}
		}
	}
}

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The CLI (Docker HEALTHCHECK, probe run, config validate) links none of
// the service-side dependencies: it builds Vitals from its configuration
// with fxmodule/assemble, which imports neither fx, gRPC, Prometheus nor
// echo. .ci/sizes.sh holds its stripped size to 12 MB.
func TestLinksNoServiceDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{
		"go.uber.org/fx",
		"go.uber.org/dig",
		"google.golang.org/grpc",
		"github.com/prometheus/client_golang",
		"github.com/labstack/echo/v4",
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("the vitals CLI links %s", dep)
			}
		}
	}
}

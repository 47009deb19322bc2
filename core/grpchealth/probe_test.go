package grpchealth_test

import (
	"context"
	"errors"
	"github.com/vitals-go/vitals/internal/testtool"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// probePath finds the grpc-health-probe binary (go install
// github.com/grpc-ecosystem/grpc-health-probe@latest): on PATH, in GOBIN,
// or in GOPATH/bin. CI installs it, so there a missing binary fails.
func probePath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("grpc-health-probe"); err == nil {
		return p
	}
	dirs := []string{os.Getenv("GOBIN")}
	for _, gp := range filepath.SplitList(build.Default.GOPATH) {
		dirs = append(dirs, filepath.Join(gp, "bin"))
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, "grpc-health-probe")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	testtool.Need(t, "grpc-health-probe on PATH, GOBIN or GOPATH/bin (go install github.com/grpc-ecosystem/grpc-health-probe@latest)", false)
	return ""
}

// probe runs grpc-health-probe against addr and returns its exit code.
func probe(t *testing.T, bin, addr string, args ...string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-addr=" + addr, "-connect-timeout=5s", "-rpc-timeout=5s"}, args...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		t.Logf("grpc-health-probe %v: exit %d: %s", args, exit.ExitCode(), out)
		return exit.ExitCode()
	default:
		t.Fatalf("grpc-health-probe %v: %v: %s", args, err, out)
		return -1
	}
}

// Exit codes of grpc-health-probe: 0 SERVING, 3 RPC failure (unknown
// service: NOT_FOUND), 4 any status but SERVING.
func TestGRPCHealthProbe(t *testing.T) {
	bin := probePath(t)
	f := newFixture(t)
	f.want(t, "", serving)
	if code := probe(t, bin, f.addr); code != 0 {
		t.Fatalf("probe of overall health: exit %d, want 0", code)
	}
	if code := probe(t, bin, f.addr, "-service=component/db"); code != 0 {
		t.Fatalf("probe of component/db: exit %d, want 0", code)
	}
	f.set(t, "db", true)
	f.want(t, "component/db", notServing)
	if code := probe(t, bin, f.addr, "-service=component/db"); code != 4 {
		t.Fatalf("probe of down component/db: exit %d, want 4", code)
	}
	if code := probe(t, bin, f.addr); code != 4 {
		t.Fatalf("probe of overall health with db down: exit %d, want 4", code)
	}
	if code := probe(t, bin, f.addr, "-service=liveness"); code != 0 {
		t.Fatalf("probe of liveness: exit %d, want 0", code)
	}
	if code := probe(t, bin, f.addr, "-service=nope"); code != 3 {
		t.Fatalf("probe of an unknown service: exit %d, want 3 (NOT_FOUND)", code)
	}
	f.set(t, "db", false)
	f.want(t, "", serving)
	f.engine.EnterLameDuck()
	f.want(t, "", notServing)
	if code := probe(t, bin, f.addr); code != 4 {
		t.Fatalf("probe in lame duck: exit %d, want 4", code)
	}
}

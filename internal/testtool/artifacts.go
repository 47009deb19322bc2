package testtool

import (
	"os"
	"path/filepath"
	"testing"
)

// ArtifactsDir returns $CI_ARTIFACTS_DIR, made absolute and created, where
// .ci/run collects what tests leave for a reader (screenshots); without
// it, a temporary directory of the test's.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CI_ARTIFACTS_DIR")
	if dir == "" {
		return t.TempDir()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

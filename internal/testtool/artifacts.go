package testtool

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// artifactsDir returns $CI_ARTIFACTS_DIR, made absolute and created, where
// .ci/run collects what tests leave for a reader (screenshots); without
// it, a temporary directory of the test's.
func artifactsDir(t testing.TB) string {
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

// Artifact returns the path of the file name in artifactsDir, with no
// file there yet (one left by an earlier run is removed).
func Artifact(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(artifactsDir(t), name)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return path
}

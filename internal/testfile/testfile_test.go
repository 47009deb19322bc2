package testfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vitals-go/vitals/internal/testfile"
)

func TestWrite(t *testing.T) {
	path := testfile.Write(t, "vitals.yaml", "health: {}\n")
	if filepath.Base(path) != "vitals.yaml" {
		t.Errorf("path = %s, want a file called vitals.yaml", path)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "health: {}\n" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if other := testfile.Write(t, "vitals.yaml", "x"); filepath.Dir(other) == filepath.Dir(path) {
		t.Error("two writes share a directory")
	}
}

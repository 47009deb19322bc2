// Package testfile writes the files Vitals' own tests load (config files,
// secrets) into the test's temporary directory.
package testfile

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes body to a file called name in a new t.TempDir(), readable
// by the owner only (0o600, as a config file holding a token would be),
// and returns its path. A write error fails the test.
func Write(t testing.TB, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

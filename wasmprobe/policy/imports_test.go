package policy

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the package importable by the native test harness
// without a WebAssembly runtime: the standard library, httpguts and
// wasmprobe/wire only; and wire, which guests import too, imports nothing.
func TestImports(t *testing.T) {
	checkImports(t, "*.go", "the standard library, httpguts and wire only", func(p string) bool {
		return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") ||
			p == "golang.org/x/net/http/httpguts" || p == "github.com/vitals-go/vitals/wasmprobe/wire"
	})
	checkImports(t, "../wire/*.go", "nothing", func(string) bool { return false })
}

// checkImports fails the test for each import of the non-test files glob
// matches that allow refuses (allowed says what is).
func checkImports(t *testing.T, glob, allowed string, allow func(path string) bool) {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: %v %v", glob, files, err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); !allow(p) {
				t.Errorf("%s imports %s: it may import %s", f, p, allowed)
			}
		}
	}
}

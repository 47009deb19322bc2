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
	for _, dir := range []struct {
		glob  string
		allow func(path string) bool
	}{
		{"*.go", func(p string) bool {
			return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") ||
				p == "golang.org/x/net/http/httpguts" || p == "github.com/vitals-go/vitals/wasmprobe/wire"
		}},
		{"../wire/*.go", func(string) bool { return false }},
	} {
		files, err := filepath.Glob(dir.glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %v %v", dir.glob, files, err)
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
				if p, _ := strconv.Unquote(imp.Path.Value); !dir.allow(p) {
					t.Errorf("%s imports %s: policy must stay standard library (and httpguts, wire) only, wire must import nothing", f, p)
				}
			}
		}
	}
}

package lameduck_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocMatchesTheSeed: DefaultPeriod's doc once said that a 3 s period
// "closes the listener while HAProxy still routes", as if the lame-duck
// seed package served through its period; it closes the listener at once
// and uses its period as the Shutdown deadline. The docs say so, and give
// the mapping and how a second signal differs.
func TestDocMatchesTheSeed(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := []*ast.File{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/vitals-go/vitals/core/lameduck")
	if err != nil {
		t.Fatal(err)
	}
	var period string
	for _, c := range p.Consts {
		for _, spec := range c.Decl.Specs {
			if vs := spec.(*ast.ValueSpec); vs.Names[0].Name == "DefaultPeriod" {
				period = vs.Doc.Text()
			}
		}
	}
	if strings.Contains(period, "closes the listener while") {
		t.Errorf("DefaultPeriod's doc still says a 3 s period closes the listener while the load balancer routes:\n%s", period)
	}
	for _, want := range []string{"closes the listener at once", "Config{DisablePeriod: true, DrainTimeout: x}"} {
		if !strings.Contains(period, want) {
			t.Errorf("DefaultPeriod's doc lacks %q", want)
		}
	}
	for _, want := range []string{"Period(x)                       Config{DisablePeriod: true, DrainTimeout: x}", "A second signal differs", "kills the process"} {
		if !strings.Contains(p.Doc, want) {
			t.Errorf("package doc lacks %q", want)
		}
	}
}

package core_test

import (
	"context"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// scripted is the engine test helpers' provider (coretest.Provider).
type scripted = coretest.Provider

func newScripted(name string) *scripted { return coretest.NewProvider(name) }

// manual returns components that never run on their own within a test: a
// long interval, so the test drives every check with Run.
func manual(name string, groups ...string) core.Component { return coretest.Manual(name, groups...) }

func newEngine(t *testing.T, opts ...core.Option) (*core.Engine, *scripted) {
	t.Helper()
	return coretest.NewEngine(t, opts...)
}

func mustRun(t *testing.T, e *core.Engine, name string) core.Check {
	t.Helper()
	c, err := e.Run(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustAdd(t *testing.T, e *core.Engine, c core.Component) {
	t.Helper()
	if err := e.Add(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

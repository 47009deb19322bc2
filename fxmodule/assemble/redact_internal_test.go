package assemble

import (
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/wasmprobe"
)

// The wasm provider keeps compiled modules and instances per component,
// and the redacting wrapper must not hide that from the engine: removing
// a wasm component reaches wasmprobe.Provider.Forget through it.
var (
	_ core.Forgetter = (*wasmprobe.Provider)(nil)
	_ core.Forgetter = (*redactProvider)(nil)
)

type forgetful struct {
	*coretest.Provider
	forgot []string
}

func (f *forgetful) Forget(component string) { f.forgot = append(f.forgot, component) }

func TestRedactedProviderPassesForgetOn(t *testing.T) {
	inner := &forgetful{Provider: coretest.NewProvider("inner")}
	(&redactProvider{p: inner}).Forget("db")
	if len(inner.forgot) != 1 || inner.forgot[0] != "db" {
		t.Fatalf("wrapped provider forgot %v, want [db]", inner.forgot)
	}
	// A provider without Forget: nothing to pass on, no panic.
	(&redactProvider{p: coretest.NewProvider("plain")}).Forget("db")
}

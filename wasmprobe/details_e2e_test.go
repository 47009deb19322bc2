package wasmprobe

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

// TestNestedProbeOutputBounded: a wasm probe printing ~20 KB of arrays
// nested 9,990 deep (the echo probe, given them as config) gives a /ready
// of a few KB with details shown, not hundreds of MB: the engine cut the
// details when it accepted the result.
func TestNestedProbeOutputBounded(t *testing.T) {
	var nested any = []any{}
	for range 9989 {
		nested = []any{nested}
	}
	p, _ := newProvider(t, Options{})
	c := component("deep", "echo", 5*time.Second, "a", nested)
	c.Interval = time.Hour
	e, err := core.New(core.WithProviders(p), core.WithJitter(0), core.WithComponents(c))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	res, err := e.Check(context.Background(), "deep")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(nested)
	if why, _ := res.Details[core.DetailsTruncatedKey].(string); res.State != core.StateUp || !strings.Contains(why, "nested deeper than 32 levels cut") {
		t.Errorf("%s %q: details %.200v", res.State, res.Message, res.Details)
	}
	h, err := echomw.New(e, echomw.Config{Details: echomw.DetailsAlways})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/ready", "/ready/deep"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if n := rec.Body.Len(); n > len(out) || !strings.Contains(rec.Body.String(), "[cut: nested deeper than 32 levels]") {
			t.Errorf("GET %s: %d bytes for %d of probe output:\n%.500s", target, n, len(out), rec.Body.String())
		}
	}
}

//go:build !wasip1

package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testtool"
	"github.com/vitals-go/vitals/wasmprobe"
)

// TestWasm builds the probe to WebAssembly and runs it through the wasm
// provider against a local status page, granted by the component's allow
// list.
func TestWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and compiles a Go wasm module")
	}
	mod := filepath.Join(t.TempDir(), "statuspage.wasm")
	testtool.BuildGo(t, ".", mod, ".")
	srv := httptest.NewServer(statusServer())
	defer srv.Close()

	ctx := context.Background()
	p, err := wasmprobe.NewProvider(ctx, wasmprobe.Options{CacheDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	for _, tc := range []struct {
		page, allow string
		state       core.State
		message     string
	}{
		{"none", "/", core.StateUp, "GitHub: All Systems Operational"},
		{"minor", "/minor/api/", core.StateDegraded, "GitHub: Minor Service Outage"},
		{"critical", "/", core.StateDown, "GitHub: Major System Outage"},
		{"none", "/other/", core.StateDown, "http_request " + srv.URL + "/none/api/v2/status.json: not granted by the component's allow list (code -1)"},
	} {
		c := core.Component{Name: "status-" + tc.page, Provider: wasmprobe.Name, Timeout: 5 * time.Second, Config: map[string]any{
			wasmprobe.KeyModule: mod,
			wasmprobe.KeyAllow:  []string{srv.URL + tc.allow},
			"url":               srv.URL + "/" + tc.page,
		}}
		if err := p.ValidateConfig(c); err != nil { // compiles (once), outside the check's deadline
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, c.Timeout)
		res := p.Check(cctx, c)
		cancel()
		if res.State != tc.state || res.Message != tc.message {
			t.Errorf("%s: got %s %q %v (%v), want %s %q", tc.page, res.State, res.Message, res.Details, res.Err, tc.state, tc.message)
		}
	}
}

package wasmprobe

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
	"github.com/vitals-go/vitals/internal/testtool"
)

// buildSDKGuest builds the Go SDK guest testdata/wasm/go/name into dir.
func buildSDKGuest(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name+".wasm")
	if b, err := testtool.GoWasm("..", out, "./testdata/wasm/go/"+name); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, b)
	}
	return out
}

// TestSDKGoGuestNet runs the Go SDK guest testdata/wasm/go/net with the
// configs and grants it is written for (TestSDKGoGuests runs every guest
// with an empty config), for the SDK's HTTP, TCP and log functions through
// the real host.
func TestSDKGoGuestNet(t *testing.T) {
	mod := buildSDKGuest(t, t.TempDir(), "net")

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"path":"`+r.URL.Path+`"}`)
	}))
	defer srv.Close()
	echoAddr := testnet.AcceptAndClose(t)

	p, sink := newProvider(t, Options{})
	for _, tc := range []guestCase{
		{name: "http-granted", config: map[string]any{"url": srv.URL + "/api/x", KeyAllow: []string{srv.URL + "/api/"}},
			state: core.StateUp, message: "HTTP 200", details: map[string]any{"status": 200.0, "body": `{"path":"/api/x"}`, "content_type": "application/json"}},
		{name: "http-expect", config: map[string]any{"url": srv.URL + "/api/x", "expect": 204, KeyAllow: []string{srv.URL + "/api/"}},
			state: core.StateDown, message: "HTTP 200, want 204"},
		{name: "http-denied", config: map[string]any{"url": srv.URL + "/admin", KeyAllow: []string{srv.URL + "/api/"}},
			state: core.StateDown, message: "http_request " + srv.URL + "/admin: not granted by the component's allow list (code -1)"},
		{name: "tcp-granted", config: map[string]any{"addr": echoAddr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateUp, message: "connected to " + echoAddr},
		{name: "tcp-denied", config: map[string]any{"addr": echoAddr},
			state: core.StateDown, message: "tcp_connect " + echoAddr + ": not granted by the component's allow list (code -1)"},
		{name: "dial-granted", config: map[string]any{"dial": echoAddr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateDown, message: "dial tcp " + echoAddr + ": address " + echoAddr + ": connect: Connection refused"},
		{name: "all", config: map[string]any{"url": srv.URL + "/api/", "addr": echoAddr, KeyAllow: []string{srv.URL + "/api/", "127.0.0.1:*"}},
			state: core.StateUp, message: "HTTP 200; connected to " + echoAddr},
	} {
		tc.module = mod
		t.Run(tc.name, func(t *testing.T) { checkGuest(t, p, "sdk-", tc, 1) })
	}
	recs := sink.records(t, "fetched url="+srv.URL+"/api/x status=200 bytes=17")
	if len(recs) != 2 || recs[0]["level"] != "DEBUG" || recs[0]["probe"] != "sdk-http-granted" {
		t.Fatalf("guest log lines: %v", recs)
	}
	if !strings.HasSuffix(recs[0]["module"].(string), "net.wasm") {
		t.Fatalf("log module attribute: %v", recs[0])
	}
}

// BenchmarkSDKGoGuestWarm is a warm check of a Go guest written with the
// SDK (testdata/wasm/go/config) through the whole provider path, with a
// deadline per check: BenchmarkGoGuestWarm/wasm plus the SDK's own work.
// "empty-config" has nothing to decode and reports "config ok" (the SDK's
// input scan and output, no reflection); "config" decodes a small config
// with encoding/json in the guest, which is most of its cost.
func BenchmarkSDKGoGuestWarm(b *testing.B) {
	dir := b.TempDir()
	out := filepath.Join(dir, "config.wasm")
	if o, err := testtool.GoWasm("..", out, "./testdata/wasm/go/config"); err != nil {
		b.Fatalf("build: %v\n%s", err, o)
	}
	p, _ := newProvider(b, Options{})
	for _, bc := range []struct {
		name, message string
		config        map[string]any
	}{
		{"empty-config", "config ok", nil},
		{"config", "slow", map[string]any{"state": "degraded", "message": "slow"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := core.Component{Name: "sdk-" + bc.name, Provider: Name, Timeout: time.Minute,
				Config: map[string]any{KeyModule: out}}
			for k, v := range bc.config {
				c.Config[k] = v
			}
			if err := p.ValidateConfig(c); err != nil {
				b.Fatal(err)
			}
			benchChecks(b, p, c, func(res core.Result) bool { return res.Message == bc.message })
		})
	}
}

// TestSDKGoGuestMemoryPages checks that a Go SDK guest given too few
// memory_pages to start its runtime is refused at load (ValidateConfig
// starts one instance), with an error naming the file and memory_pages,
// and that one given enough starts and is warm for its first check.
func TestSDKGoGuestMemoryPages(t *testing.T) {
	mod := buildSDKGuest(t, t.TempDir(), "config")
	p, _ := newProvider(t, Options{})
	comp := func(pages int) core.Component {
		return core.Component{Name: "pages", Provider: Name, Timeout: 5 * time.Second,
			Config: map[string]any{KeyModule: mod, KeyMemoryPages: pages}}
	}
	for _, pages := range []int{46, 48, 50} {
		err := p.ValidateConfig(comp(pages))
		if err == nil || !strings.Contains(err.Error(), "module: "+mod+": cannot start") ||
			!strings.Contains(err.Error(), "needs more memory_pages") {
			t.Fatalf("memory_pages %d: ValidateConfig = %v, want a refusal naming the file and memory_pages", pages, err)
		}
	}
	c := comp(64)
	if err := p.ValidateConfig(c); err != nil {
		t.Fatal(err)
	}
	res := run(t, p, c)
	if res.State != core.StateUp || res.Message != "config ok" {
		t.Fatalf("memory_pages 64: %s %q (%v)", res.State, res.Message, res.Err)
	}
	pr := p.probes["pages"]
	if pr == nil {
		t.Fatal("no probe kept")
	}
	// The instance started at load served the check: it is back in the pool.
	started := 0
	for range len(pr.pool.slots) {
		inst := <-pr.pool.slots
		if inst != nil {
			started++
		}
		pr.pool.slots <- inst
	}
	if started != 1 {
		t.Fatalf("%d started instances in the pool, want 1", started)
	}
}

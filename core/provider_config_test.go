package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// The typed configs produce the maps the providers read, so the same
// rules check them.
func TestTypedConfigs(t *testing.T) {
	t.Parallel()
	h := core.HTTPConfig{URL: "http://127.0.0.1/", Method: "HEAD", Headers: map[string]string{"X-A": "b"},
		ExpectStatus: "2xx", ExpectBody: "ok", TLSSkipVerify: true, MaxBodyBytes: 1024}
	want := map[string]any{"url": "http://127.0.0.1/", "method": "HEAD", "headers": map[string]any{"X-A": "b"},
		"expect_status": "2xx", "expect_body": "ok", "tls_skip_verify": true, "max_body_bytes": int64(1024)}
	if d := cmp.Diff(want, h.Map()); d != "" {
		t.Errorf("HTTPConfig.Map (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]any{}, core.HTTPConfig{}.Map()); d != "" {
		t.Errorf("zero HTTPConfig sets keys: %s", d)
	}
	tc := core.TCPConfig{Address: "127.0.0.1:1", Send: "PING\r\n", Expect: "PONG", MaxReadBytes: 64}
	if d := cmp.Diff(map[string]any{"address": "127.0.0.1:1", "send": "PING\r\n", "expect": "PONG", "max_read_bytes": int64(64)}, tc.Map()); d != "" {
		t.Errorf("TCPConfig.Map (-want +got):\n%s", d)
	}
	j := core.JobsConfig{Checker: "q", MaxDelayed: new(int64(0))}
	if d := cmp.Diff(map[string]any{"checker": "q", "max_delayed": int64(0)}, j.Map()); d != "" {
		t.Errorf("JobsConfig.Map (-want +got):\n%s", d)
	}

	jp, _ := withMemoryJobs(t, "q")
	e, _ := coretest.NewEngine(t, core.WithProviders(&core.HTTPProvider{}, &core.TCPProvider{}, jp))
	for _, c := range []core.Component{h.Component("web"), tc.Component("sock"), j.Component("jobs")} {
		mustAdd(t, e, c)
	}
	err := e.Add(t.Context(), core.HTTPConfig{URL: "ftp://x/", MaxBodyBytes: -1}.Component("bad"))
	if err == nil || !strings.Contains(err.Error(), "config.url: ") || !strings.Contains(err.Error(), "config.max_body_bytes: -1 is out of range") {
		t.Errorf("a bad typed config: %v", err)
	}
}

// The typed configs of issue 17's keys and providers.
func TestTypedConfigsJudgement(t *testing.T) {
	t.Parallel()
	h := core.HTTPConfig{URL: "https://127.0.0.1/", DegradedStatus: "429", FollowRedirects: new(false),
		ExpectJSON: []string{`$.status == "ok"`}, MaxDuration: 500 * time.Millisecond, TLSMinValid: 336 * time.Hour}
	want := map[string]any{"url": "https://127.0.0.1/", "degraded_status": "429", "follow_redirects": false,
		"expect_json": []any{`$.status == "ok"`}, "max_duration": "500ms", "tls_min_valid": "336h0m0s"}
	if d := cmp.Diff(want, h.Map()); d != "" {
		t.Errorf("HTTPConfig.Map (-want +got):\n%s", d)
	}
	tc := core.TLSCheckConfig{Address: "127.0.0.1:443", ServerName: "svc.test", SkipVerify: true, MinValid: time.Hour}
	if d := cmp.Diff(map[string]any{"address": "127.0.0.1:443", "server_name": "svc.test", "skip_verify": true, "min_valid": "1h0m0s"}, tc.Map()); d != "" {
		t.Errorf("TLSCheckConfig.Map (-want +got):\n%s", d)
	}
	dc := core.DNSConfig{Name: "api.vitals.test.", Type: "AAAA", Server: "127.0.0.1:53", Expect: []string{"::1"}, MinCount: 2, MaxDuration: time.Second}
	if d := cmp.Diff(map[string]any{"name": "api.vitals.test.", "type": "AAAA", "server": "127.0.0.1:53", "expect": []string{"::1"},
		"min_count": int64(2), "max_duration": "1s"}, dc.Map()); d != "" {
		t.Errorf("DNSConfig.Map (-want +got):\n%s", d)
	}
	for _, z := range []map[string]any{core.TLSCheckConfig{}.Map(), core.DNSConfig{}.Map()} {
		if len(z) != 0 {
			t.Errorf("a zero typed config sets keys: %v", z)
		}
	}
	e, _ := coretest.NewEngine(t, core.WithProviders(&core.HTTPProvider{}, &core.TLSProvider{}, &core.DNSProvider{}))
	for _, c := range []core.Component{h.Component("web"), tc.Component("cert"), dc.Component("name")} {
		mustAdd(t, e, c)
	}
	err := e.Add(t.Context(), core.DNSConfig{Name: "a.test", Type: "PTR"}.Component("bad"))
	if err == nil || !strings.Contains(err.Error(), `config.type: "PTR" is not one of`) {
		t.Errorf("a bad typed config: %v", err)
	}
}

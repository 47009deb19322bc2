package core_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
)

func TestTLSProviderStates(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	now := time.Now()
	addr := func(srv *httptest.Server) string { return srv.Listener.Addr().String() }
	valid := addr(tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(-time.Hour), now.Add(90*24*time.Hour))))
	expiring := addr(tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(-time.Hour), now.Add(48*time.Hour))))
	expired := addr(tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(-48*time.Hour), now.Add(-time.Hour))))
	future := addr(tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(48*time.Hour), now.Add(90*24*time.Hour))))
	wrongHost := addr(tlsServer(t, ca.leaf(t, "svc.test", now.Add(-time.Hour), now.Add(90*24*time.Hour))))
	selfSigned := addr(tlsServer(t, (*testCA)(nil).leaf(t, "127.0.0.1", now.Add(-time.Hour), now.Add(90*24*time.Hour))))
	plain := httptest.NewServer(httpTarget())
	t.Cleanup(plain.Close)

	// extra: Details["verified"], when the handshake was done.
	cases := []stateCase[bool]{
		{name: "valid", cfg: map[string]any{"address": valid}, want: core.StateUp, msg: `certificate "CN=127.0.0.1,O=Vitals tests" valid until`, extra: true},
		{name: "expiring within the default", cfg: map[string]any{"address": expiring}, want: core.StateDegraded, msg: "less than min_valid 336h0m0s", extra: true},
		{name: "expiring after min_valid", cfg: map[string]any{"address": expiring, "min_valid": "24h"}, want: core.StateUp, msg: "TLS 1.3", extra: true},
		{name: "expiry not judged", cfg: map[string]any{"address": expiring, "min_valid": "0s"}, want: core.StateUp, extra: true},
		{name: "expired", cfg: map[string]any{"address": expired}, want: core.StateDown, msg: "TLS handshake with " + expired + ": tls: failed to verify certificate: x509: certificate has expired"},
		{name: "expired, skip verify", cfg: map[string]any{"address": expired, "skip_verify": true}, want: core.StateDown, msg: `certificate "CN=127.0.0.1,O=Vitals tests" expired at`},
		{name: "not yet valid, skip verify", cfg: map[string]any{"address": future, "skip_verify": "true"}, want: core.StateDown, msg: "is not valid before"},
		{name: "wrong host", cfg: map[string]any{"address": wrongHost}, want: core.StateDown, msg: "127.0.0.1"},
		{name: "right server_name", cfg: map[string]any{"address": wrongHost, "server_name": "svc.test"}, want: core.StateUp, msg: `"CN=svc.test,O=Vitals tests"`, extra: true},
		{name: "other server_name", cfg: map[string]any{"address": wrongHost, "server_name": "db.test"}, want: core.StateDown, msg: "db.test"},
		{name: "self-signed", cfg: map[string]any{"address": selfSigned}, want: core.StateDown, msg: "unknown authority"},
		{name: "self-signed, skip verify", cfg: map[string]any{"address": selfSigned, "skip_verify": true}, want: core.StateUp, msg: "valid until"},
		{name: "not TLS", cfg: map[string]any{"address": plain.Listener.Addr().String()}, want: core.StateDown, msg: "TLS handshake with"},
		{name: "refused", cfg: map[string]any{"address": closedAddr(t)}, want: core.StateDown, msg: "connection refused"},
		{name: "silent", cfg: map[string]any{"address": testnet.Serve(t, testnet.WaitForClient)}, timeout: 200 * time.Millisecond, want: core.StateDown, msg: ": timed out after"},
	}
	checkStates(t, &core.TLSProvider{RootCAs: ca.pool}, cases, func(t *testing.T, tc stateCase[bool], res core.Result) {
		if res.Details["address"] != tc.cfg["address"] {
			t.Errorf("address detail = %v", res.Details["address"])
		}
		if res.Details["handshake_ms"] == nil {
			return
		}
		if res.Details["verified"] != tc.extra || res.Details["version"] != "TLS 1.3" || res.Details["cipher"] == "" ||
			res.Details["subject"] == nil || res.Details["issuer"] == nil || res.Details["not_after"] == nil || res.Details["expires_in"] == nil {
			t.Errorf("details = %v", res.Details)
		}
	})
}

func TestTLSProviderValidateConfig(t *testing.T) {
	t.Parallel()
	p := &core.TLSProvider{}
	wantConfigErrors(t, p, core.Component{Name: "cert", Provider: "tls"}, []configCase{
		{"minimal", map[string]any{"address": "db.test:5432"}, nil},
		{"everything", map[string]any{"address": "127.0.0.1:443", "server_name": "svc.test", "skip_verify": "false", "min_valid": "720h"}, nil},
		{"missing address", map[string]any{}, []string{"address: is required"}},
		{"no port", map[string]any{"address": "db.test"}, []string{`address: "db.test" is not host:port`}},
		{"bad port", map[string]any{"address": "db.test:https"}, []string{"address: "}},
		{"bad server_name", map[string]any{"address": "db.test:443", "server_name": "https://db.test"}, []string{`server_name: "https://db.test" is not a host name`}},
		{"skip_verify text", map[string]any{"address": "db.test:443", "skip_verify": "perhaps"}, []string{`skip_verify: "perhaps" is not a boolean`}},
		{"min_valid text", map[string]any{"address": "db.test:443", "min_valid": "2 weeks"}, []string{`min_valid: "2 weeks" is not a duration`}},
		{"min_valid negative", map[string]any{"address": "db.test:443", "min_valid": "-1h"}, []string{"min_valid: "}},
		{"http key", map[string]any{"address": "db.test:443", "tls_skip_verify": true}, []string{"tls_skip_verify: unknown key (known keys: address, min_valid, server_name, skip_verify)"}},
	})
	res := p.Check(t.Context(), core.Component{Name: "cert", Config: map[string]any{"address": 5}})
	if res.State != core.StateUnknown || !strings.Contains(res.Message, "invalid config: config.address") {
		t.Errorf("invalid config at check time: %s %q", res.State, res.Message)
	}
}

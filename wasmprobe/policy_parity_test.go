package wasmprobe

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	sdk "github.com/vitals-go/vitals/guest-sdk/go/probe"
	"github.com/vitals-go/vitals/guest-sdk/go/probetest"
	"github.com/vitals-go/vitals/internal/testnet"
)

// parityProbe is testdata/wasm/net.wat written with package probe: it makes
// the http_request or tcp_connect its config names and reports the code.
func parityProbe(ctx sdk.Context) sdk.Result {
	var cfg struct {
		Request *struct {
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
		} `json:"request"`
		Addr string `json:"addr"`
	}
	if err := ctx.Config(&cfg); err != nil {
		return sdk.Downf("config: %v", err)
	}
	var err error
	if cfg.Addr != "" {
		err = ctx.TCPConnect(cfg.Addr, 2*time.Second)
	} else {
		_, err = ctx.HTTPDo(sdk.Request{URL: cfg.Request.URL, Header: cfg.Request.Headers})
	}
	var ne *sdk.NetError
	switch {
	case err == nil:
		return sdk.Upf("sent").With("code", 0)
	case errors.As(err, &ne):
		return sdk.Downf("failed").With("code", ne.Code)
	}
	return sdk.Downf("%v", err)
}

// TestPolicyParity runs the same requests and addresses through the wasm
// host (testdata/wasm/net.wasm) and through probetest (parityProbe) and
// expects the same verdict from both: sent (0), denied (-1), bad request
// (-4). The harness once set a Host header without the grant check and
// compared escaped paths where the host compares decoded ones.
func TestPolicyParity(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect-out" {
			http.Redirect(w, r, "http://127.0.0.1:1/", http.StatusFound)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	su, _ := url.Parse(srv.URL)
	tcp := testnet.AcceptAndClose(t)
	_, tcpPort, _ := net.SplitHostPort(tcp)
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		name    string
		allow   []string
		url     string
		headers map[string]string
		addr    string
		want    int
	}{
		{name: "granted", allow: []string{srv.URL + "/"}, url: srv.URL + "/ok", want: 0},
		{name: "no allow list", url: srv.URL + "/ok", want: CodeDenied},
		{name: "under prefix", allow: []string{srv.URL + "/api/"}, url: srv.URL + "/api/status", want: 0},
		{name: "outside prefix", allow: []string{srv.URL + "/api/"}, url: srv.URL + "/ok", want: CodeDenied},
		{name: "prefix without slash", allow: []string{srv.URL + "/api"}, url: srv.URL + "/api/status", want: 0},
		{name: "prefix without slash, longer name", allow: []string{srv.URL + "/api"}, url: srv.URL + "/apix", want: CodeDenied},
		{name: "dot segments", allow: []string{srv.URL + "/"}, url: srv.URL + "/api/../ok", want: CodeBadRequest},
		{name: "escaped dot segments", allow: []string{srv.URL + "/api/"}, url: srv.URL + "/api/%2e%2e/ok", want: CodeBadRequest},
		{name: "escaped slash in the request", allow: []string{srv.URL + "/a/b/"}, url: srv.URL + "/a%2Fb/x", want: 0},
		{name: "escaped slash in the grant", allow: []string{srv.URL + "/a%2Fb/"}, url: srv.URL + "/a/b/x", want: 0},
		{name: "port out of range", allow: []string{srv.URL + "/"}, url: "http://127.0.0.1:99999/", want: CodeBadRequest},
		{name: "not http", allow: []string{srv.URL + "/"}, url: "ftp://127.0.0.1/", want: CodeBadRequest},
		{name: "bad header", allow: []string{srv.URL + "/"}, url: srv.URL + "/ok", headers: map[string]string{"X-A": "a\x1bb"}, want: CodeBadRequest},
		{name: "Host header not granted", allow: []string{srv.URL + "/"}, url: srv.URL + "/ok", headers: map[string]string{"Host": "internal.example"}, want: CodeDenied},
		{name: "Host header granted", allow: []string{srv.URL + "/", "http://virtual.example:" + su.Port() + "/"}, url: srv.URL + "/ok", headers: map[string]string{"Host": "virtual.example"}, want: 0},
		{name: "Host header granted on another path", allow: []string{srv.URL + "/", "http://virtual.example:" + su.Port() + "/other/"}, url: srv.URL + "/ok", headers: map[string]string{"Host": "virtual.example"}, want: CodeDenied},
		{name: "redirect out of the grant", allow: []string{srv.URL + "/"}, url: srv.URL + "/redirect-out", want: CodeDenied},
		{name: "tcp granted", allow: []string{tcp}, addr: tcp, want: 0},
		{name: "tcp any port", allow: []string{"127.0.0.1:*"}, addr: tcp, want: 0},
		{name: "tcp other port", allow: []string{"127.0.0.1:1"}, addr: tcp, want: CodeDenied},
		{name: "tcp URL grant only", allow: []string{srv.URL + "/"}, addr: tcp, want: CodeDenied},
		{name: "tcp port 0", allow: []string{"127.0.0.1:*"}, addr: "127.0.0.1:0", want: CodeBadRequest},
		{name: "tcp port out of range", allow: []string{"127.0.0.1:*"}, addr: "127.0.0.1:70000", want: CodeBadRequest},
		{name: "tcp no port", allow: []string{"127.0.0.1:*"}, addr: "127.0.0.1", want: CodeBadRequest},
		{name: "tcp IP spelled another way", allow: []string{"127.0.0.1:" + tcpPort}, addr: "127.000.000.001:" + tcpPort, want: CodeDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{}
			if tc.addr != "" {
				cfg["addr"] = tc.addr
			} else {
				req := map[string]any{"url": tc.url}
				if tc.headers != nil {
					req["headers"] = tc.headers
				}
				cfg["request"] = req
			}
			var allow []any
			for _, a := range tc.allow {
				allow = append(allow, a)
			}
			kv := []any{KeyAllow, allow}
			for k, v := range cfg {
				kv = append(kv, k, v)
			}
			res := run(t, p, component("parity", "net", 3*time.Second, kv...))
			host := fmt.Sprint(res.Details["code"])
			if _, sent := res.Details["status"]; sent {
				host = "0"
			}
			out := probetest.Run(t, parityProbe, probetest.Env{Config: cfg, Allow: tc.allow, Timeout: 3 * time.Second})
			harness := fmt.Sprint(out.Details["code"])
			want := fmt.Sprint(tc.want)
			if host != want || harness != want {
				t.Errorf("verdicts: host %s (%s %q %v), probetest %s (%s), want %s from both",
					host, res.State, res.Message, res.Details, harness, out, want)
			}
		})
	}
}

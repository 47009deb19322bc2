package probetest_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
	"github.com/vitals-go/vitals/guest-sdk/go/probetest"
)

func TestGrants(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, tc := range []struct {
		allow   []string
		all     bool
		url     string
		granted bool
	}{
		{allow: []string{"http://a.example/health"}, url: "http://a.example/health", granted: true},
		{allow: []string{"http://a.example/health"}, url: "http://a.example/health/x", granted: true},
		{allow: []string{"http://a.example/health"}, url: "http://a.example/healthz", granted: false},
		{allow: []string{"http://a.example/api/"}, url: "http://a.example/api", granted: false},
		{allow: []string{"http://a.example"}, url: "http://A.EXAMPLE:80/anything", granted: true},
		{allow: []string{"https://a.example/"}, url: "http://a.example/", granted: false},
		{allow: []string{"https://a.example/"}, url: "https://a.example:8443/", granted: false},
		{allow: []string{"https://a.example/"}, url: "https://a.example:443/x", granted: true},
		{allow: []string{"a.example:80"}, url: "http://a.example/", granted: false},
		{all: true, url: "http://anything.example:1234/x", granted: true},
		{url: "http://a.example/", granted: false},
	} {
		out := probetest.Run(t, func(ctx probe.Context) probe.Result {
			_, err := ctx.HTTPGet(tc.url)
			if err != nil {
				return probe.Downf("%v", err)
			}
			return probe.Result{}
		}, probetest.Env{Allow: tc.allow, AllowAll: tc.all, Handler: ok})
		if got := out.Status == probe.Up; got != tc.granted {
			t.Errorf("allow %v (all %v), %s: granted %v, want %v (%s)", tc.allow, tc.all, tc.url, got, tc.granted, out)
		}
	}
}

func TestTimeout(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	start := time.Now()
	out := probetest.Run(t, func(ctx probe.Context) probe.Result {
		_, err := ctx.HTTPGet("http://slow.example/")
		if errors.Is(err, probe.ErrTimeout) {
			return probe.Downf("timeout")
		}
		return probe.Upf("%v", err)
	}, probetest.Env{AllowAll: true, Handler: slow, Timeout: 200 * time.Millisecond})
	if out.Message != "timeout" || time.Since(start) > 3*time.Second {
		t.Fatalf("got %s after %s", out, time.Since(start))
	}
}

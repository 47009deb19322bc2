// Command http is a Go SDK probe of the host's network functions:
//
//	config: {url: "http://host:port/path", expect: 200}   # GET url through vitals.http_request
//	config: {addr: "host:port"}                          # vitals.tcp_connect(addr)
//
// It is up when the response status is expect (default 200) or the
// connection succeeds, down otherwise (with the error: denied without a
// grant in the component's allow list). Without url or addr it is down.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o http.wasm ./testdata/wasm/go/http
package main

import (
	"log/slog"
	"time"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

type config struct {
	URL    string `json:"url"`
	Expect int    `json:"expect"`
	Addr   string `json:"addr"`
}

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	cfg := config{Expect: 200}
	if err := ctx.Config(&cfg); err != nil {
		return probe.Downf("%v", err)
	}
	start := time.Now()
	switch {
	case cfg.URL != "":
		resp, err := ctx.HTTPGet(cfg.URL)
		if err != nil {
			return probe.Downf("%v", err)
		}
		ctx.Log(slog.LevelDebug, "fetched", "url", cfg.URL, "status", resp.Status, "bytes", len(resp.Body))
		r := probe.Upf("HTTP %d", resp.Status)
		if resp.Status != cfg.Expect {
			r = probe.Downf("HTTP %d, want %d", resp.Status, cfg.Expect)
		}
		return r.With("status", resp.Status).With("body", resp.Body).
			With("content_type", resp.HeaderValue("content-type")).With("ms", time.Since(start).Milliseconds())
	case cfg.Addr != "":
		if err := ctx.TCPConnect(cfg.Addr, 2*time.Second); err != nil {
			return probe.Downf("%v", err)
		}
		return probe.Upf("connected to %s", cfg.Addr).With("ms", time.Since(start).Milliseconds())
	}
	return probe.Downf("config: no url or addr")
}

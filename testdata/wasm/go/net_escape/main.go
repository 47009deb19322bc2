// Command net_escape is a hostile Go SDK probe that looks for a way to the
// network without a grant: the SDK's HTTP and TCP functions to a loopback
// address that the component does not grant, and Go's own net package (the
// host gives wasip1 no sockets; Go's net on wasip1 falls back to an
// in-process fake network, where net.Listen works but reaches nothing
// outside the module, so only a dial out is tried). It reports up if any of
// them got through, down with what each said otherwise. Nothing is ever
// sent: a denied call fails before any connection.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o net_escape.wasm ./testdata/wasm/go/net_escape
package main

import (
	"net"
	"time"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

type config struct {
	URL  string `json:"url"`
	Addr string `json:"addr"`
}

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	cfg := config{URL: "http://127.0.0.1:1/", Addr: "127.0.0.1:1"}
	if err := ctx.Config(&cfg); err != nil {
		return probe.Downf("%v", err)
	}
	errs := map[string]any{}
	if resp, err := ctx.HTTPGet(cfg.URL); err == nil {
		return probe.Upf("escaped: http_request %s answered %d", cfg.URL, resp.Status)
	} else {
		errs["http_request"] = err.Error()
	}
	if err := ctx.TCPConnect(cfg.Addr, time.Second); err == nil {
		return probe.Upf("escaped: tcp_connect %s", cfg.Addr)
	} else {
		errs["tcp_connect"] = err.Error()
	}
	if c, err := net.DialTimeout("tcp", cfg.Addr, time.Second); err == nil {
		_ = c.Close()
		return probe.Upf("escaped: net.Dial %s", cfg.Addr)
	} else {
		errs["net.Dial"] = err.Error()
	}
	return probe.Result{Status: probe.Down, Message: "no network without a grant", Details: errs}
}

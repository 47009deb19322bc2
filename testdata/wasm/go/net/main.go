// Command net is a Go SDK probe of the network, through the host and
// around it. Each key of its config is one target; it is up when every
// target given answers, down otherwise with what failed:
//
//	url:    GET through vitals.http_request; must answer status expect (default 200)
//	addr:   connect through vitals.tcp_connect
//	dial:   connect with Go's own net.Dial, which must always fail: the host
//	        gives wasip1 no sockets (Go's net on wasip1 falls back to an
//	        in-process fake network that reaches nothing outside the module)
//
// With an empty config it is hostile: it tries all three on 127.0.0.1:1,
// which a component without an allow list does not grant, and would be up
// only if one got through. A denied call fails before any connection, so
// nothing is sent.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o net.wasm ./testdata/wasm/go/net
package main

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

type config struct {
	URL    string `json:"url"`
	Expect int    `json:"expect"`
	Addr   string `json:"addr"`
	Dial   string `json:"dial"`
}

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	cfg := config{Expect: 200}
	if err := ctx.Config(&cfg); err != nil {
		return probe.Downf("%v", err)
	}
	if cfg.URL == "" && cfg.Addr == "" && cfg.Dial == "" {
		cfg.URL, cfg.Addr, cfg.Dial = "http://127.0.0.1:1/", "127.0.0.1:1", "127.0.0.1:1"
	}
	details := map[string]any{}
	var ok, failed []string
	note := func(key, msg string, good bool) {
		details[key] = msg
		if good {
			ok = append(ok, msg)
		} else {
			failed = append(failed, msg)
		}
	}
	if cfg.URL != "" {
		start := time.Now()
		resp, err := ctx.HTTPGet(cfg.URL)
		if err != nil {
			note("http", err.Error(), false)
		} else {
			ctx.Log(slog.LevelDebug, "fetched", "url", cfg.URL, "status", resp.Status, "bytes", len(resp.Body))
			details["status"], details["body"], details["content_type"] = resp.Status, resp.Body, resp.HeaderValue("content-type")
			details["ms"] = time.Since(start).Milliseconds()
			if resp.Status == cfg.Expect {
				note("http", fmt.Sprintf("HTTP %d", resp.Status), true)
			} else {
				note("http", fmt.Sprintf("HTTP %d, want %d", resp.Status, cfg.Expect), false)
			}
		}
	}
	if cfg.Addr != "" {
		if err := ctx.TCPConnect(cfg.Addr, 2*time.Second); err != nil {
			note("tcp", err.Error(), false)
		} else {
			note("tcp", "connected to "+cfg.Addr, true)
		}
	}
	if cfg.Dial != "" {
		if c, err := net.DialTimeout("tcp", cfg.Dial, time.Second); err != nil {
			note("dial", err.Error(), false)
		} else {
			_ = c.Close()
			note("dial", "net.Dial reached "+cfg.Dial, true)
		}
	}
	if len(failed) > 0 {
		return probe.Result{Status: probe.Down, Message: strings.Join(failed, "; "), Details: details}
	}
	return probe.Result{Status: probe.Up, Message: strings.Join(ok, "; "), Details: details}
}

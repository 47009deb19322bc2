package probe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
	"github.com/vitals-go/vitals/guest-sdk/go/probetest"
	"github.com/vitals-go/vitals/internal/testnet"
)

func TestResultHelpers(t *testing.T) {
	base := probe.Downf("HTTP %d", 503)
	r := base.With("status", 503)
	if r.Status != probe.Down || r.Message != "HTTP 503" || r.Details["status"] != 503 || base.Details != nil {
		t.Fatalf("With: %+v (base %+v)", r, base)
	}
	r2 := r.With("x", 1)
	if len(r.Details) != 1 || len(r2.Details) != 2 {
		t.Fatalf("With shares the map: %v %v", r.Details, r2.Details)
	}
	if m := probe.Upf("100%").Message; m != "100%" {
		t.Fatalf("Upf without args formats: %q", m)
	}
	if got := fmt.Sprint(probe.Up, probe.Degraded, probe.Down, probe.Status(7)); got != "up degraded down status(7)" {
		t.Fatal(got)
	}
}

func TestContext(t *testing.T) {
	type cfg struct {
		Target string `json:"target"`
		Shard  int    `json:"shard"`
		Keep   string `json:"keep"`
	}
	out := probetest.Run(t, func(ctx probe.Context) probe.Result {
		c := cfg{Keep: "default"}
		if err := ctx.Config(&c); err != nil {
			return probe.Downf("%v", err)
		}
		if d := time.Until(ctx.Deadline()) - ctx.Remaining(); d < -time.Millisecond || d > time.Millisecond {
			return probe.Downf("Remaining disagrees with Deadline by %s", d)
		}
		return probe.Upf("%s/%d/%s", c.Target, c.Shard, c.Keep).
			With("name", ctx.Name()).With("timeout_ms", ctx.Timeout().Milliseconds()).With("raw", string(ctx.RawConfig()))
	}, probetest.Env{Name: "orders", Config: map[string]any{"target": "db", "shard": 7, "other": true}, Timeout: 3 * time.Second})
	if out.Status != probe.Up || out.Message != "db/7/default" || out.Details["name"] != "orders" ||
		out.Details["timeout_ms"] != 3000.0 || out.Details["raw"] != `{"other":true,"shard":7,"target":"db"}` {
		t.Fatalf("got %v", out)
	}

	out = probetest.Run(t, func(ctx probe.Context) probe.Result {
		var c cfg
		if err := ctx.Config(&c); err != nil {
			return probe.Downf("%v", err)
		}
		return probe.Result{}
	}, probetest.Env{Config: map[string]any{"shard": "seven"}})
	if out.Status != probe.Down || !strings.HasPrefix(out.Message, "config: json: cannot unmarshal string") {
		t.Fatalf("bad config: %v", out)
	}

	out = probetest.Run(t, func(ctx probe.Context) probe.Result {
		return probe.Result{Message: string(ctx.RawConfig())}
	}, probetest.Env{})
	if out.Message != "{}" {
		t.Fatalf("empty config: %v", out)
	}
}

func TestEmptyOutput(t *testing.T) {
	out := probetest.Run(t, func(probe.Context) probe.Result { return probe.Result{} }, probetest.Env{})
	if out.Status != probe.Up || out.Output != "" || out.Message != "" || out.Details != nil {
		t.Fatalf("zero result: %v %q", out, out.Output)
	}
	out = probetest.Run(t, func(probe.Context) probe.Result { return probe.Result{Status: probe.Degraded} }, probetest.Env{})
	if out.Status != probe.Degraded || out.Output != "" {
		t.Fatalf("degraded: %v %q", out, out.Output)
	}
}

func TestLog(t *testing.T) {
	out := probetest.Run(t, func(ctx probe.Context) probe.Result {
		ctx.Log(slog.LevelInfo, "plain")
		ctx.Log(slog.LevelDebug-4, "very verbose", "n", 1)
		ctx.Log(slog.LevelWarn, "slow", "ms", 840, slog.String("target", "a b"))
		l := ctx.Logger().With("shard", 7).WithGroup("g")
		l.Error("failed", "err", errors.New("boom"))
		ctx.Logger().Log(context.Background(), slog.LevelError+4, "fatal-ish")
		return probe.Upf("logged")
	}, probetest.Env{})
	want := []probetest.Log{
		{Level: slog.LevelInfo, Msg: "plain"},
		{Level: slog.LevelDebug, Msg: "very verbose n=1"},
		{Level: slog.LevelWarn, Msg: `slow ms=840 target="a b"`},
		{Level: slog.LevelError, Msg: "failed shard=7 g.err=boom"},
		{Level: slog.LevelError, Msg: "fatal-ish"},
	}
	if fmt.Sprint(out.Logs) != fmt.Sprint(want) {
		t.Fatalf("logs\n got %v\nwant %v", out.Logs, want)
	}
}

func TestDetailsEncoding(t *testing.T) {
	out := probetest.Run(t, func(probe.Context) probe.Result {
		return probe.Downf("bad details").With("f", func() {})
	}, probetest.Env{})
	if out.Status != probe.Down || out.Message != "bad details" || !strings.Contains(fmt.Sprint(out.Details["sdk_error"]), "unsupported type") {
		t.Fatalf("got %v", out)
	}

	big := strings.Repeat("é", 40<<10) // 80 KiB
	out = probetest.Run(t, func(probe.Context) probe.Result {
		return probe.Degradedf("%s", big).With("x", strings.Repeat("y", 1<<10))
	}, probetest.Env{})
	if out.Status != probe.Degraded || len(out.Output) > 64<<10 || !strings.HasSuffix(out.Message, "é…") ||
		!strings.Contains(fmt.Sprint(out.Details["sdk_error"]), "exceeds the 65536-byte buffer") {
		t.Fatalf("oversized output: %d bytes, message %d bytes, details %v", len(out.Output), len(out.Message), out.Details)
	}

	out = probetest.Run(t, func(probe.Context) probe.Result {
		return probe.Upf("%s", strings.Repeat("x", 100))
	}, probetest.Env{BufferSize: 90})
	if len(out.Output) > 90 {
		t.Fatalf("output %d bytes for a 90-byte buffer", len(out.Output))
	}
}

func TestPanicPropagates(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v", r)
		}
	}()
	probetest.Run(t, func(probe.Context) probe.Result { panic("boom") }, probetest.Env{})
	t.Fatal("no panic")
}

func TestHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/ok":
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Echo", r.Header.Get("X-Probe")+"|"+r.Method+"|"+string(body)+"|"+r.Host)
			w.Header().Add("X-Multi", "a")
			w.Header().Add("X-Multi", "b")
			_, _ = io.WriteString(w, `{"ok":true}`)
		case "/api/big":
			_, _ = io.WriteString(w, strings.Repeat("z", 100<<10))
		case "/api/out":
			http.Redirect(w, r, "/private", http.StatusFound)
		case "/api/in":
			http.Redirect(w, r, "/api/ok", http.StatusFound)
		case "/api/503":
			http.Error(w, "nope", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()

	type call struct {
		req    probe.Request
		status int
		err    error
		check  func(*probe.Response) string
	}
	calls := []call{
		{req: probe.Request{Method: "POST", URL: srv.URL + "/api/ok", Header: map[string]string{"X-Probe": "1", "Host": "vhost"}, Body: "hi"}, status: 200,
			check: func(r *probe.Response) string {
				var v struct{ OK bool }
				if err := r.JSON(&v); err != nil || !v.OK {
					return fmt.Sprintf("JSON: %v %v", v, err)
				}
				if got := r.HeaderValue("x-echo"); got != "1|POST|hi|vhost" {
					return "x-echo " + got
				}
				if got := r.HeaderValue("X-Multi"); got != "a, b" {
					return "x-multi " + got
				}
				return ""
			}},
		{req: probe.Request{URL: srv.URL + "/api/503"}, status: 503},
		{req: probe.Request{URL: srv.URL + "/api/in"}, status: 200},
		{req: probe.Request{URL: srv.URL + "/api/out"}, err: probe.ErrDenied},
		{req: probe.Request{URL: srv.URL + "/private"}, err: probe.ErrDenied},
		{req: probe.Request{URL: srv.URL + "/api/../private"}, err: probe.ErrBadRequest},
		{req: probe.Request{URL: "ftp://x/"}, err: probe.ErrBadRequest},
		{req: probe.Request{URL: srv.URL + "/api/ok", Header: map[string]string{"X-A": "a\x00b"}}, err: probe.ErrBadRequest},
		{req: probe.Request{URL: srv.URL + "/api/ok", Header: map[string]string{"X\x1bA": "v"}}, err: probe.ErrBadRequest},
		{req: probe.Request{URL: srv.URL + "/api/big"}, status: 200,
			check: func(r *probe.Response) string {
				if !r.Truncated || len(r.Body) != 64<<10 || r.JSON(new(any)) == nil {
					return fmt.Sprintf("big: truncated %v, %d bytes", r.Truncated, len(r.Body))
				}
				return ""
			}},
		{req: probe.Request{URL: srv.URL + "/api/big", BufferSize: 2000}, status: 200,
			check: func(r *probe.Response) string {
				if !r.Truncated || len(r.Body) > 2000 || len(r.Body) < 1000 {
					return fmt.Sprintf("big in 2000 bytes: truncated %v, %d bytes", r.Truncated, len(r.Body))
				}
				return ""
			}},
		{req: probe.Request{URL: srv.URL + "/api/ok", BufferSize: 20}, err: probe.ErrTooLarge},
	}
	// The Host header's virtual host must be granted too, as on the host.
	vhost := "http://vhost:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:] + "/api/"
	for _, handler := range []http.Handler{nil, srv.Config.Handler} {
		var problems []string
		probetest.Run(t, func(ctx probe.Context) probe.Result {
			for _, c := range calls {
				resp, err := ctx.HTTPDo(c.req)
				switch {
				case c.err != nil:
					var ne *probe.NetError
					if !errors.Is(err, c.err) || !errors.As(err, &ne) || ne.Op != "http_request" {
						problems = append(problems, fmt.Sprintf("%s: got %v, want %v", c.req.URL, err, c.err))
					}
				case err != nil:
					problems = append(problems, fmt.Sprintf("%s: %v", c.req.URL, err))
				case resp.Status != c.status:
					problems = append(problems, fmt.Sprintf("%s: status %d", c.req.URL, resp.Status))
				case c.check != nil:
					if p := c.check(resp); p != "" {
						problems = append(problems, c.req.URL+": "+p)
					}
				}
			}
			return probe.Result{}
		}, probetest.Env{Allow: []string{srv.URL + "/api/", vhost}, Handler: handler})
		if len(problems) > 0 {
			t.Errorf("handler %v:\n%s", handler != nil, strings.Join(problems, "\n"))
		}
	}

	out := probetest.Run(t, func(ctx probe.Context) probe.Result {
		_, err := ctx.HTTPGet(srv.URL + "/api/ok")
		return probe.Downf("%v", err)
	}, probetest.Env{})
	if want := "http_request " + srv.URL + "/api/ok: not granted by the component's allow list (code -1)"; out.Message != want || len(out.Requests) != 1 {
		t.Fatalf("no grants: %q %v", out.Message, out.Requests)
	}
}

func TestTCP(t *testing.T) {
	lnAddr := testnet.AcceptAndClose(t)
	closedAddr := net.JoinHostPort("127.0.0.1", testnet.ClosedPort(t))

	out := probetest.Run(t, func(ctx probe.Context) probe.Result {
		r := probe.Upf("ok")
		for i, a := range []string{lnAddr, closedAddr, "10.0.0.1:5432", "nonsense"} {
			err := ctx.TCPConnect(a, time.Second)
			r = r.With(fmt.Sprint(i), fmt.Sprint(err))
		}
		return r
	}, probetest.Env{Allow: []string{"127.0.0.1:*"}})
	want := map[string]any{
		"0": "<nil>",
		"1": "tcp_connect " + closedAddr + ": failed (code -2)",
		"2": "tcp_connect 10.0.0.1:5432: not granted by the component's allow list (code -1)",
		"3": "tcp_connect nonsense: bad request (code -4)",
	}
	if fmt.Sprint(out.Details) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", out.Details, want)
	}

	// Past the check's network budget (max_net_calls), calls fail with -6.
	var errs []error
	probetest.Run(t, func(ctx probe.Context) probe.Result {
		for range 3 {
			errs = append(errs, ctx.TCPConnect(lnAddr, time.Second))
		}
		_, err := ctx.HTTPGet("http://" + lnAddr + "/")
		errs = append(errs, err)
		return probe.Upf("ok")
	}, probetest.Env{Allow: []string{"127.0.0.1:*"}, MaxNetCalls: 2})
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], probe.ErrBudget) || !errors.Is(errs[3], probe.ErrBudget) ||
		errs[2].Error() != "tcp_connect "+lnAddr+": the check's network budget is spent (code -6)" {
		t.Fatalf("errors %v, want nil, nil, then the budget (code -6)", errs)
	}
}

func TestRegister(t *testing.T) {
	if probe.Registered() != nil {
		t.Fatal("registered before Register")
	}
	mustPanic := func(f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		f()
	}
	mustPanic(func() { probe.Register(nil) })
	probe.Register(func(probe.Context) probe.Result { return probe.Upf("registered") })
	mustPanic(func() { probe.Register(func(probe.Context) probe.Result { return probe.Result{} }) })
	if out := probetest.RunRegistered(t, probetest.Env{}); out.Message != "registered" {
		t.Fatalf("got %v", out)
	}
}

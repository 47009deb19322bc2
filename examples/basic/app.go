package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// newApp builds the demo app around Vitals:
//
//   - the app's *echo.Echo with GET /hello, which Vitals serves on
//     server.address together with the health routes;
//   - module "basic", listed before Vitals so that it starts before and
//     stops after it: the TCP echo server and the in-memory jobs pipeline
//     (a jobs source in the group "vitals.jobs", named "pipeline");
//   - once Vitals listens, two checks added in code with the addresses
//     actually bound: "hello" (http, GET /hello) and "tcp-echo" (tcp,
//     ping/pong with the echo server); the checks of health.checks come
//     from the configuration;
//   - the URLs to try, printed to stdout.
//
// fxmodule.Options is the module with fx's events routed through its gate,
// so that /ready opens once every OnStart hook has returned (the self-check
// hook below, appended after Vitals', included) and fails from the first
// OnStop hook.
//
// fx's own events are logged at debug level (--debug shows them).
func newApp(cfg *config.Config, log *slog.Logger, stdout io.Writer) *fx.App {
	fxlog := &fxevent.SlogLogger{Logger: log.With("fx", true)}
	fxlog.UseLogLevel(slog.LevelDebug)
	return fx.New(
		fxmodule.Supply(cfg),
		fxmodule.Timeouts(cfg),
		fx.Supply(log),
		fx.Provide(newEcho),
		fx.Module("basic",
			fx.Provide(newTCPEcho, newJobs),
			fx.Provide(fx.Annotate(jobsSource, fx.ResultTags(`group:"vitals.jobs"`))),
			fx.Invoke(func(*tcpEcho, *jobsSim) {}),
		),
		fxmodule.Options(fxlog),
		fx.Invoke(func(lc fx.Lifecycle, rt *lifecycle.Runtime, echoSrv *tcpEcho) {
			lc.Append(fx.Hook{OnStart: func(ctx context.Context) error {
				if err := addSelfChecks(ctx, rt, echoSrv); err != nil {
					return err
				}
				printURLs(stdout, cfg, rt)
				return nil
			}})
		}),
	)
}

// newEcho is the app's own echo server: GET /hello, GET /hello.json (the
// target of the example's expect_json check), and the health routes
// Vitals adds.
func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/hello", func(c echo.Context) error { return c.String(http.StatusOK, "hello\n") })
	e.GET("/hello.json", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]any{"greeting": "hello", "status": map[string]any{"indicator": "none"}, "replicas": 1})
	})
	return e
}

// jobsSim is the app's in-memory job pipelines, changing a little every
// second as a real queue would.
type jobsSim struct {
	jobs *coretest.MemoryJobs
	quit chan struct{}
	done sync.WaitGroup
}

func newJobs(lc fx.Lifecycle) *jobsSim {
	s := &jobsSim{jobs: coretest.NewMemoryJobs(), quit: make(chan struct{})}
	s.update()
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			s.done.Go(s.run)
			return nil
		},
		OnStop: func(context.Context) error {
			close(s.quit)
			s.done.Wait()
			return nil
		},
	})
	return s
}

func (s *jobsSim) run() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.update()
		case <-s.quit:
			return
		}
	}
}

func (s *jobsSim) update() {
	s.jobs.Set(core.JobsReport{Pipeline: "emails", Queue: "emails", Driver: "memory", Priority: 10, Ready: true,
		Active: rand.Int64N(5), Delayed: rand.Int64N(3)})
	s.jobs.Set(core.JobsReport{Pipeline: "thumbnails", Queue: "images", Driver: "memory", Priority: 1, Ready: true,
		Active: rand.Int64N(20), Reserved: rand.Int64N(4)})
}

// jobsSource is the pipeline as a jobs source for the group "vitals.jobs":
// jobs checks select it with config.checker "pipeline" (or by being named
// "pipeline").
func jobsSource(s *jobsSim) assemble.JobsSource {
	return assemble.JobsSource{Name: "pipeline", Checker: s.jobs}
}

// addSelfChecks adds the checks that need addresses bound at start (the
// app's own GET /hello over HTTP, the TCP echo server) and runs them once.
func addSelfChecks(ctx context.Context, rt *lifecycle.Runtime, echoSrv *tcpEcho) error {
	e := rt.Engine()
	for _, c := range []core.Component{
		{Name: "hello", Provider: "http", Config: map[string]any{
			"url": baseURL(rt.Addr()) + "/hello", "expect_status": 200, "expect_body": "hello"}},
		{Name: "tcp-echo", Provider: "tcp", Config: map[string]any{
			"address": echoSrv.Addr(), "send": "ping\n", "expect": "ping"}},
	} {
		if err := e.Add(ctx, c); err != nil {
			return fmt.Errorf("basic: check %s: %w", c.Name, err)
		}
		// A first result now, so that readiness, which opens once every
		// OnStart hook has returned, does not wait for the first interval.
		_, _ = e.Check(ctx, c.Name)
	}
	return nil
}

// baseURL is http://host:port for a listener, with a wildcard host
// replaced by the loopback address.
func baseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// printURLs prints what to try, following the configured paths.
func printURLs(w io.Writer, cfg *config.Config, rt *lifecycle.Runtime) {
	h := cfg.Health
	base := baseURL(rt.Addr())
	var b strings.Builder
	fmt.Fprintf(&b, "Vitals demo listening on %s (pid %d). Try:\n", base, os.Getpid())
	line := func(target, what string) { fmt.Fprintf(&b, "  %-44s %s\n", target, what) }
	on := func(p string) bool { return p != "" && p != config.Off }
	line(base+"/hello", "the app's own route")
	if on(h.Paths.Health) {
		line(base+h.Paths.Health, "liveness")
	}
	if on(h.Paths.Ready) {
		line(base+h.Paths.Ready, "readiness: 503 until every check has a result, and from SIGTERM on")
	}
	if on(h.Paths.Ready) && h.Paths.PerCheck {
		var names []string
		for _, c := range rt.Engine().Components() {
			if slices.Contains(c.Groups, core.GroupReadiness) || len(c.Groups) == 0 {
				names = append(names, c.Name)
			}
		}
		slices.Sort(names)
		if i := slices.Index(names, "hello"); i > 0 {
			names = append([]string{"hello"}, slices.Delete(names, i, i+1)...)
		}
		if len(names) > 0 {
			line(base+h.Paths.Ready+"/"+names[0], "one check; also: "+strings.Join(names[1:], ", "))
		}
	}
	if on(h.Paths.Jobs) {
		line(base+h.Paths.Jobs, "job pipelines (JSON)")
	}
	if on(h.Paths.Status) {
		line(base+h.Paths.Status, "status page (open it in a browser)")
	}
	if h.Metrics.Enabled && on(h.Metrics.Path) {
		line(base+h.Metrics.Path, "Prometheus metrics")
	}
	if a := rt.GRPCAddr(); a != nil {
		line("grpc-health-probe -addr "+a.String(), "gRPC health (grpc.health.v1)")
	}
	if h.Details == config.DetailsAuthorized {
		if h.Token != "" {
			fmt.Fprintf(&b, "Check messages are shown with: curl -H 'Authorization: Bearer %s' ...\n", h.Token)
		} else {
			b.WriteString("Check messages are hidden (health.details: authorized, no health.token).\n")
		}
	}
	ld := h.LameDuck
	fmt.Fprintf(&b, "Stop with Ctrl-C or `kill -TERM %d`: /ready fails at once, serving goes on for %s, then drains (up to %s).\n",
		os.Getpid(), ld.Period, ld.DrainTimeout)
	_, _ = io.WriteString(w, b.String())
}

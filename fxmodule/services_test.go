package fxmodule_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule"
)

// toggle is an app check whose result the test sets.
type toggle struct{ down atomic.Bool }

func (tg *toggle) check(context.Context) error {
	if tg.down.Load() {
		return errors.New("switched off")
	}
	return nil
}

// provide returns the check for the group "vitals.checks".
func (tg *toggle) provide(name string) fx.Option {
	return fx.Supply(fx.Annotate(fxmodule.Check{
		Component: core.Component{Name: name, Interval: 50 * time.Millisecond},
		Func:      tg.check,
	}, fx.ResultTags(`group:"vitals.checks"`)))
}

// scrape GETs url and parses the text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", url, resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	return fams
}

// value returns the value of the sample of fam whose labels include want.
func value(fam *dto.MetricFamily, want map[string]string) (float64, bool) {
	if fam == nil {
		return 0, false
	}
next:
	for _, m := range fam.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// With health.metrics.enabled and no registry of the app's, /metrics
// serves a registry of the module's own: the vitals_* metrics and the Go
// collectors; the global registry gets nothing.
func TestMetricsOwnRegistry(t *testing.T) {
	var tg toggle
	var rt *fxmodule.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), tg.provide("db"), fx.Populate(&rt),
		supplyConfig(t, baseConfig+"  metrics: {enabled: true}\n")).RequireStart()
	defer app.RequireStop()
	url := base(t, rt) + "/metrics"
	eventually(t, 3*time.Second, "a result of db counted", func() bool {
		v, _ := value(scrape(t, url)["vitals_check_results_total"], map[string]string{"component": "db", "state": "up"})
		return v >= 1
	})
	fams := scrape(t, url)
	if v, ok := value(fams["vitals_component_state"], map[string]string{"component": "db", "state": "up"}); !ok || v != 1 {
		t.Errorf(`vitals_component_state{component="db",state="up"} = %v, %v; want 1`, v, ok)
	}
	if v, ok := value(fams["vitals_ready"], nil); !ok || v != 1 {
		t.Errorf("vitals_ready = %v, %v; want 1", v, ok)
	}
	if _, ok := value(fams["vitals_check_duration_seconds"], map[string]string{"component": "db"}); !ok {
		t.Error("no vitals_check_duration_seconds for db")
	}
	if fams["go_goroutines"] == nil {
		t.Error("the module's own registry has no Go collector")
	}
	if rt.Registry() == nil || rt.Registry() == prometheus.DefaultRegisterer {
		t.Errorf("Registry() = %v", rt.Registry())
	}
	global, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range global {
		if strings.HasPrefix(f.GetName(), "vitals_") {
			t.Errorf("%s registered on the global registry", f.GetName())
		}
	}
	// A state change shows at the next scrape; lame duck too.
	tg.down.Store(true)
	eventually(t, 3*time.Second, "db down in the metrics", func() bool {
		v, _ := value(scrape(t, url)["vitals_component_state"], map[string]string{"component": "db", "state": "down"})
		return v == 1
	})
}

// An app that provides a *prometheus.Registry gets the metrics there, on
// the configured path; nothing else is added to it.
func TestMetricsAppRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	var tg toggle
	var rt *fxmodule.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), fx.Supply(reg), tg.provide("db"), fx.Populate(&rt),
		supplyConfig(t, baseConfig+"  metrics: {enabled: true, path: /internal/metrics}\n")).RequireStart()
	defer app.RequireStop()
	if rt.Registry() != reg {
		t.Fatal("metrics not on the app's registry")
	}
	eventually(t, 3*time.Second, "db's state on the app's registry", func() bool {
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() == "vitals_component_state" {
				v, _ := value(f, map[string]string{"component": "db", "state": "up"})
				return v == 1
			}
		}
		return false
	})
	fams := scrape(t, base(t, rt)+"/internal/metrics")
	if fams["vitals_lameduck"] == nil {
		t.Error("no vitals_lameduck on the configured path")
	}
	if fams["go_goroutines"] != nil {
		t.Error("the module added collectors to the app's registry")
	}
	if got := status(base(t, rt) + "/metrics"); got != http.StatusNotFound {
		t.Errorf("/metrics = %d, want 404 (the path is /internal/metrics)", got)
	}
}

// Metrics are off by default: no /metrics route, no registry.
func TestMetricsOffByDefault(t *testing.T) {
	var rt *fxmodule.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt), supplyConfig(t, baseConfig)).RequireStart()
	defer app.RequireStop()
	if rt.Registry() != nil {
		t.Error("Registry() is set with metrics off")
	}
	if got := status(base(t, rt) + "/metrics"); got != http.StatusNotFound {
		t.Errorf("/metrics = %d, want 404", got)
	}
}

// receiver is a webhook receiver recording the payloads it gets.
type receiver struct {
	mu       sync.Mutex
	payloads []map[string]any
	headers  []http.Header
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p map[string]any
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || json.Unmarshal(body, &p) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.payloads = append(rc.payloads, p)
	rc.headers = append(rc.headers, r.Header.Clone())
	rc.mu.Unlock()
}

// find returns the first payload about component going to state.
func (rc *receiver) find(component, to string) (map[string]any, http.Header) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i, p := range rc.payloads {
		if p["component"] == component && p["to"] == to {
			return p, rc.headers[i]
		}
	}
	return nil, nil
}

// health.notify.webhooks: a state change is POSTed as JSON, with the
// configured headers and the service ID; a failing webhook is retried and
// only logged; the notifier stops after the engine.
func TestNotifyWebhook(t *testing.T) {
	var rc receiver
	good := httptest.NewServer(&rc)
	defer good.Close()
	var failed atomic.Int32
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		failed.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer bad.Close()

	var l logs
	var tg toggle
	app := fxtest.New(t, fxmodule.Module, tg.provide("db"), fx.Supply(l.logger()), supplyConfig(t, `
health:
  lameduck: {period: 0s, signals: []}
  service: {id: orders}
  notify:
    backoff: 10ms
    webhooks:
      - {url: "`+good.URL+`/hook", headers: {Authorization: Bearer s3cret}}
      - {url: "`+bad.URL+`", max_retries: 1, timeout: 1s}
`)).RequireStart()
	eventually(t, 3*time.Second, "db up notified", func() bool { p, _ := rc.find("db", "up"); return p != nil })
	tg.down.Store(true)
	eventually(t, 3*time.Second, "db down notified", func() bool { p, _ := rc.find("db", "down"); return p != nil })
	p, h := rc.find("db", "down")
	if p["from"] != "up" || p["service"] != "orders" || p["message"] != "switched off" || p["time"] == nil {
		t.Errorf("payload = %v", p)
	}
	if got := h.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization = %q", got)
	}
	eventually(t, 3*time.Second, "the failing webhook retried", func() bool { return failed.Load() >= 2 })
	app.RequireStop()
	if i, j := l.index("vitals engine stopped"), l.index("vitals: notifier stopped"); i < 0 || j < 0 || i > j {
		t.Errorf("the notifier should stop after the engine:\n%s", l.String())
	}
}

// healthClient dials the gRPC health server at addr.
func healthClient(t *testing.T, addr string) healthpb.HealthClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return healthpb.NewHealthClient(conn)
}

func grpcStatus(c healthpb.HealthClient, service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resp, err := c.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return 0, err
	}
	return resp.Status, nil
}

// health.grpc.address: grpc.health.v1 follows readiness (NOT_SERVING
// until the app has started, SERVING then, NOT_SERVING from the start of
// the lame duck while the server still answers), liveness stays SERVING
// in the lame duck, and the server is gone after stop.
func TestGRPCHealth(t *testing.T) {
	var tg toggle
	var rt *fxmodule.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), tg.provide("db"), fx.Populate(&rt), supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health:
  lameduck: {period: 600ms, drain_timeout: 2s, signals: []}
  grpc: {address: "127.0.0.1:0"}
`)).RequireStart()
	addr := rt.GRPCAddr()
	if addr == nil {
		t.Fatal("no gRPC address after start")
	}
	c := healthClient(t, addr.String())
	serving := healthpb.HealthCheckResponse_SERVING
	eventually(t, 3*time.Second, `"" SERVING`, func() bool { s, _ := grpcStatus(c, ""); return s == serving })
	if s, err := grpcStatus(c, "component/db"); err != nil || s != serving {
		t.Errorf("component/db = %v, %v", s, err)
	}
	// A Watch stream must not hold the stop up past its grace.
	wctx, wcancel := context.WithCancel(context.Background())
	defer wcancel()
	stream, err := c.Watch(wctx, &healthpb.HealthCheckRequest{Service: "readiness"})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := stream.Recv(); err != nil || m.Status != serving {
		t.Fatalf("Watch first = %v, %v", m, err)
	}

	stopped := make(chan error, 1)
	begin := time.Now()
	go func() { stopped <- app.Stop(ctxTimeout(t, 10*time.Second)) }()
	eventually(t, time.Second, `"" NOT_SERVING in the lame duck`, func() bool {
		s, err := grpcStatus(c, "")
		return err == nil && s == healthpb.HealthCheckResponse_NOT_SERVING
	})
	if m, err := stream.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("Watch after lame duck = %v, %v", m, err)
	}
	if s, err := grpcStatus(c, "liveness"); err != nil || s != serving {
		t.Errorf("liveness in the lame duck = %v, %v; want SERVING", s, err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Stop = %v", err)
	}
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("stop took %s: the Watch stream held it up", took)
	}
	if dialable(addr.String()) {
		t.Error("gRPC server still listening after stop")
	}
}

// gRPC without a server of the module's (the app runs its own): the health
// server still runs and stops after the period.
func TestGRPCWithoutServer(t *testing.T) {
	var rt *fxmodule.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Populate(&rt), supplyConfig(t, `
health:
  lameduck: {period: 0s, signals: []}
  grpc: {address: "127.0.0.1:0"}
`)).RequireStart()
	addr := rt.GRPCAddr().String()
	c := healthClient(t, addr)
	if s, err := grpcStatus(c, ""); err != nil || s != healthpb.HealthCheckResponse_SERVING {
		t.Errorf(`"" = %v, %v (an empty engine is ready)`, s, err)
	}
	app.RequireStop()
	if dialable(addr) {
		t.Error("gRPC server still listening after stop")
	}
}

// A gRPC bind error fails start, naming health.grpc.address, and leaves
// nothing running.
func TestGRPCBindError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var rt *fxmodule.Runtime
	app := fx.New(fx.NopLogger, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt), supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health:
  lameduck: {signals: []}
  grpc: {address: "`+ln.Addr().String()+`"}
`))
	err = app.Start(ctxTimeout(t, 5*time.Second))
	if err == nil || !strings.Contains(err.Error(), "health.grpc.address:") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Start = %v, want a bind error naming health.grpc.address", err)
	}
	if got := rt.Engine().Phase(); got != core.PhaseIdle {
		t.Errorf("engine phase = %s, want idle", got)
	}
}

// A hanging webhook holds the stop up for the drain timeout at most, and
// what it never received is logged, not returned.
func TestNotifyHangingWebhookStop(t *testing.T) {
	release := make(chan struct{})
	var got atomic.Int32
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	var l logs
	var tg toggle
	app := fxtest.New(t, fxmodule.Module, tg.provide("db"), fx.Supply(l.logger()), supplyConfig(t, `
health:
  lameduck: {period: 0s, drain_timeout: 300ms, signals: []}
  notify: {webhooks: [{url: "`+hang.URL+`", timeout: 1m}]}
`)).RequireStart()
	eventually(t, 3*time.Second, "the webhook called", func() bool { return got.Load() > 0 })
	begin := time.Now()
	if err := app.Stop(ctxTimeout(t, 10*time.Second)); err != nil {
		t.Errorf("Stop = %v, want nil", err)
	}
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("stop took %s with a hanging webhook", took)
	}
	if l.index("vitals: notifier stopped before delivering everything") < 0 {
		t.Errorf("no warning about the undelivered notification:\n%s", l.String())
	}
}

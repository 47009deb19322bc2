package fxmodule_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testprom"
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
	return fx.Supply(fx.Annotate(assemble.Check{
		Component: core.Component{Name: name, Interval: 50 * time.Millisecond},
		Func:      tg.check,
	}, fx.ResultTags(`group:"vitals.checks"`)))
}

// scrape GETs url and parses the text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	return testprom.Scrape(t, client, url)
}

// value returns the value of the sample of fam whose labels include want.
func value(fam *dto.MetricFamily, want map[string]string) (float64, bool) {
	return testprom.Value(fam, want, false)
}

// With health.metrics.enabled and no registry of the app's, /metrics
// serves a registry of the module's own: the vitals_* metrics and the Go
// collectors; the global registry gets nothing.
func TestMetricsOwnRegistry(t *testing.T) {
	var tg toggle
	var rt *lifecycle.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), tg.provide("db"), fx.Populate(&rt),
		supplyConfig(t, baseConfig+"  metrics: {enabled: true}\n")).RequireStart()
	defer app.RequireStop()
	url := base(t, rt) + "/metrics"
	coretest.Eventually(t, 3*time.Second, "a result of db counted", func() bool {
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
	coretest.Eventually(t, 3*time.Second, "db down in the metrics", func() bool {
		v, _ := value(scrape(t, url)["vitals_component_state"], map[string]string{"component": "db", "state": "down"})
		return v == 1
	})
}

// An app that provides a *prometheus.Registry gets the metrics there, on
// the configured path; nothing else is added to it.
func TestMetricsAppRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	var tg toggle
	var rt *lifecycle.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), fx.Supply(reg), tg.provide("db"), fx.Populate(&rt),
		supplyConfig(t, baseConfig+"  metrics: {enabled: true, path: /internal/metrics}\n")).RequireStart()
	defer app.RequireStop()
	if rt.Registry() != reg {
		t.Fatal("metrics not on the app's registry")
	}
	coretest.Eventually(t, 3*time.Second, "db's state on the app's registry", func() bool {
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
	var rt *lifecycle.Runtime
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

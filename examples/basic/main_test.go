package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/vitals-go/vitals/core/coretest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// buffer is a concurrency-safe writer.
type buffer = coretest.LogBuffer

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var client = &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return -1, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// started runs run in the background and waits until it has printed the
// URLs to try. The returned func waits for run's error.
func started(t *testing.T, ctx context.Context, args []string) (stdout, stderr *buffer, wait func() error) {
	t.Helper()
	stdout, stderr = &buffer{}, &buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(stdout.String(), "Stop with") {
		select {
		case err := <-done:
			t.Fatalf("run returned before printing the URLs: %v\nstderr:\n%s", err, stderr)
		case <-deadline:
			t.Fatalf("no URLs printed after 30s\nstderr:\n%s", stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	var once sync.Once
	var err error
	return stdout, stderr, func() error {
		once.Do(func() {
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("run did not return 30s after stop\nstderr:\n%s", stderr)
			}
		})
		return err
	}
}

// received records the webhook payloads.
type received struct {
	mu       sync.Mutex
	payloads []map[string]any
}

func (rc *received) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p map[string]any
	if err := json.NewDecoder(r.Body).Decode(&p); err == nil && r.Header.Get("X-Vitals-Demo") == "basic" {
		rc.mu.Lock()
		rc.payloads = append(rc.payloads, p)
		rc.mu.Unlock()
	}
}

func (rc *received) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.payloads)
}

// The example configuration, as `go run ./examples/basic --config
// examples/basic/config.example.yaml` runs it from the repository root,
// on free ports and with the webhook pointed at a local receiver: every
// endpoint answers, the wasm probe runs, metrics parse, gRPC health
// serves, the webhook gets the state changes, and stop runs the sequence.
func TestExampleConfig(t *testing.T) {
	t.Chdir("../..") // the module path in the file is relative to the repository root
	t.Setenv("VITALS_HEALTH__WASM__CACHE_DIR", "-")
	var rc received
	hook := httptest.NewServer(&rc)
	defer hook.Close()
	httpAddr, grpcAddr, tlsAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	b, err := os.ReadFile("examples/basic/config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := strings.NewReplacer(
		"127.0.0.1:8080", httpAddr,
		"127.0.0.1:9090", grpcAddr,
		"127.0.0.1:8443", tlsAddr, // nothing listens there
		"http://127.0.0.1:8099/vitals", hook.URL+"/vitals",
	).Replace(string(b))
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr, wait := started(t, ctx, []string{"--config", file})
	base := "http://" + httpAddr
	for _, want := range []string{base + "/ready", base + "/status", base + "/metrics", "grpc-health-probe -addr " + grpcAddr, "Bearer demo-token"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	// health.wait_for_ready: start returned once ready.
	for path, want := range map[string]int{
		"/hello": 200, "/health": 200, "/ready": 200, "/healthz": 200, "/readyz": 200,
		"/ready/hello-page": 200, "/ready/probe": 200, "/ready/pipeline": 200, "/ready/hello": 200, "/ready/tcp-echo": 200,
		"/health/grpc-port": 200, "/jobs": 200, "/status": 200,
		"/ready/hello-json": 200, "/ready/localhost-dns": 200,
	} {
		if code, body := get(t, base+path); code != want {
			t.Errorf("%s = %d, want %d: %s", path, code, want, body)
		}
	}
	// The checks of issue 17's keys judge what they see.
	for name, want := range map[string]string{
		"hello-page": `"status": "pass"`, "hello-json": `"status": "pass"`, "localhost-dns": `"status": "pass"`,
	} {
		if _, body := get(t, base+"/ready/"+name, "Authorization", "Bearer demo-token"); !strings.Contains(body, want) {
			t.Errorf("/ready/%s lacks %q:\n%s", name, want, body)
		}
	}
	// The tls check is in no probe group (nothing listens at its address):
	// the status page shows it.
	if _, body := get(t, base+"/status", "Authorization", "Bearer demo-token"); !strings.Contains(body, "connect to "+tlsAddr) {
		t.Errorf("/status lacks the certificate check's message:\n%s", body)
	}
	// details: authorized.
	if _, body := get(t, base+"/ready/probe"); strings.Contains(body, `"output": "ok"`) {
		t.Errorf("public /ready/probe shows the probe's message:\n%s", body)
	}
	if _, body := get(t, base+"/ready/probe", "Authorization", "Bearer demo-token"); !strings.Contains(body, `"output": "ok"`) {
		t.Errorf("authorized /ready/probe lacks the probe's message:\n%s", body)
	}
	if _, body := get(t, base+"/jobs"); !strings.Contains(body, `"emails"`) || !strings.Contains(body, `"thumbnails"`) {
		t.Errorf("/jobs:\n%s", body)
	}
	if _, body := get(t, base+"/status"); !strings.Contains(body, "Vitals demo") || !strings.Contains(body, "hello-page") {
		t.Errorf("/status:\n%s", body)
	}

	resp, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if f := fams["vitals_ready"]; f == nil || f.Metric[0].GetGauge().GetValue() != 1 {
		t.Errorf("vitals_ready = %v", f)
	}
	if fams["vitals_check_results_total"] == nil {
		t.Error("no vitals_check_results_total")
	}

	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	gctx, gcancel := context.WithTimeout(ctx, 3*time.Second)
	defer gcancel()
	hr, err := healthpb.NewHealthClient(conn).Check(gctx, &healthpb.HealthCheckRequest{})
	if err != nil || hr.Status != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("gRPC Check = %v, %v", hr, err)
	}

	coretest.Eventually(t, 5*time.Second, "the webhook got the state changes", func() bool { return rc.count() >= 5 })

	begin := time.Now()
	cancel()
	// /ready fails at once while the app still serves (lame-duck period 5s).
	coretest.Eventually(t, 2*time.Second, "/ready fails in the lame duck", func() bool {
		code, _ := get(t, base+"/ready")
		return code == http.StatusServiceUnavailable
	})
	if code, _ := get(t, base+"/hello"); code != 200 {
		t.Errorf("/hello = %d during the lame duck", code)
	}
	if err := wait(); err != nil {
		t.Fatalf("run = %v\nstderr:\n%s", err, stderr)
	}
	if took := time.Since(begin); took < 4*time.Second {
		t.Errorf("stop took %s, less than the 5s period", took)
	}
	logs := stderr.String()
	for _, want := range []string{"lameduck: serving through the lame-duck period", "lameduck: drained", "vitals: notifier stopped", "basic: stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// With no arguments the defaults run: the self-checks and the pipeline,
// metrics, and SIGTERM takes the app through the lame-duck sequence,
// logging each step with its timing.
func TestDefaultsAndSIGTERM(t *testing.T) {
	t.Setenv("VITALS_HEALTH__LAMEDUCK__PERIOD", "500ms")
	t.Setenv("VITALS_HEALTH__WASM__CACHE_DIR", "-")
	addr := freeAddr(t)
	stdout, stderr, wait := started(t, context.Background(), []string{"--address", addr})
	base := "http://" + addr
	if !strings.Contains(stdout.String(), base+"/ready/hello ") || !strings.Contains(stdout.String(), "pipeline, tcp-echo") {
		t.Errorf("stdout:\n%s", stdout)
	}
	coretest.Eventually(t, 10*time.Second, "/ready 200", func() bool { code, _ := get(t, base+"/ready"); return code == 200 })
	for _, path := range []string{"/ready/hello", "/ready/tcp-echo", "/ready/pipeline", "/metrics", "/status", "/jobs"} {
		if code, body := get(t, base+path); code != 200 {
			t.Errorf("%s = %d: %s", path, code, body)
		}
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatalf("run = %v\nstderr:\n%s", err, stderr)
	}
	logs := stderr.String()
	// fx and the lame-duck runner both receive the signal: the sequence
	// starts from whichever acts first ("signal terminated" or "shutdown
	// called"), once.
	for _, s := range []string{"lameduck: lame duck started", "vitals: lame duck: readiness fails from now on"} {
		if n := strings.Count(logs, s); n != 1 {
			t.Fatalf("log %q appears %d times, want once:\n%s", s, n, logs)
		}
	}
	steps := []string{
		"lameduck: lame duck started",
		"lameduck: serving through the lame-duck period",
		"lameduck: lame-duck period over",
		`lameduck: drained" took=`,
		"vitals engine stopped",
		`lameduck: lame duck over" took=`,
		`basic: stopped" took=`,
	}
	last := -1
	for _, s := range steps {
		i := strings.Index(logs, s)
		if i < 0 || i < last {
			t.Fatalf("log %q missing or out of order:\n%s", s, logs)
		}
		last = i
	}
}

// A bad configuration is reported with its keys, before anything starts.
func TestBadConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(file, []byte("health: {interval: 5 sec, metrics: {path: x}, checks: [{name: a, provider: nope}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr buffer
	err := run(context.Background(), []string{"--config", file}, &stdout, &stderr)
	for _, want := range []string{`health.interval: "5 sec" is not a duration`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("run = %v, want %q", err, want)
		}
	}
	err = run(context.Background(), []string{"--config", writeTemp(t, "health: {checks: [{name: a, provider: nope}]}\n")}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `health.checks[0].provider: "nope" is not registered`) {
		t.Errorf("run = %v", err)
	}
}

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/notify"
	"github.com/vitals-go/vitals/internal/testfile"
)

// writeFile writes a config file, vitals.yaml, holding body.
func writeFile(t *testing.T, body string) string {
	t.Helper()
	return testfile.Write(t, "vitals.yaml", body)
}

// koanfOf returns a koanf holding the flat keys of m, as an app's own
// koanf would.
func koanfOf(t *testing.T, m map[string]any) *koanf.Koanf {
	t.Helper()
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(m, "."), nil); err != nil {
		t.Fatal(err)
	}
	return k
}

func environ(vars ...string) func() []string { return func() []string { return vars } }

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(LoadOptions{Env: true, Environ: environ()})
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{Server: Server{ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}, Health: Health{
		CheckTimeout:          5 * time.Second,
		Interval:              10 * time.Second,
		UnavailableStatusCode: 503,
		Details:               DetailsAuthorized,
		DetailsMaxDepth:       32,
		DetailsMaxBytes:       16384,
		Paths:                 Paths{Health: "/health", Ready: "/ready", Jobs: "/jobs", Status: "/status", PerCheck: true, Aliases: true, Groups: map[string]string{}},
		Compat:                Compat{MovedStatusPath: "/vitals/status"},
		LameDuck:              LameDuck{Period: 10 * time.Second, DrainTimeout: 10 * time.Second, Signals: []string{"SIGTERM", "SIGINT"}, ConnectionClose: true},
		Status:                Status{History: 50},
		Notify:                notify.Config{QueueSize: 100, Backoff: time.Second, MaxBackoff: 30 * time.Second},
		Metrics:               Metrics{Path: "/metrics"},
		GRPC:                  GRPC{MaxConnections: 100, MaxConcurrentStreams: 100},
		Pprof:                 Pprof{Path: "/debug/pprof"},
	}}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestLoadLayers(t *testing.T) {
	file := writeFile(t, `
server: {address: "127.0.0.1:9000"}
health:
  interval: 3s
  lameduck: {period: 2s}
  checks:
    - name: db
      provider: tcp
      critical: false
      groups: [readiness, liveness]
      config: {address: "127.0.0.1:5432"}
`)
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("address", "unused-default", "")
	fs.String("config", "", "")
	fs.Duration("health.check_timeout", time.Minute, "")
	fs.Bool("health.paths.aliases", true, "")
	if err := fs.Parse([]string{"--address", "127.0.0.1:9100", "--config", "x", "--health.check_timeout", "2s"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(LoadOptions{
		Defaults: map[string]any{"server.address": "127.0.0.1:8080", "health.token": "app-default"},
		File:     file,
		Env:      true,
		Environ:  environ("VITALS_HEALTH__LAMEDUCK__PERIOD=0s", "VITALS_HEALTH__PATHS__ALIASES=false", "OTHER=1"),
		Flags:    fs,
		FlagKeys: map[string]string{"address": "server.address"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Server.Address; got != "127.0.0.1:9100" {
		t.Errorf("server.address = %q, want the flag's", got)
	}
	if cfg.Health.Token != "app-default" || cfg.Health.Interval != 3*time.Second || cfg.Health.CheckTimeout != 2*time.Second {
		t.Errorf("token/interval/check_timeout = %q/%s/%s", cfg.Health.Token, cfg.Health.Interval, cfg.Health.CheckTimeout)
	}
	if cfg.Health.LameDuck.Period != 0 || cfg.Health.LameDuck.DrainTimeout != 10*time.Second {
		t.Errorf("lameduck = %+v, want period 0 from the environment, drain from defaults", cfg.Health.LameDuck)
	}
	if cfg.Health.Paths.Aliases {
		t.Error("aliases: the environment's false must win over the unchanged flag's default")
	}
	c := cfg.Health.Checks[0].Component()
	if !c.NonCritical || c.Config["address"] != "127.0.0.1:5432" || len(c.Groups) != 2 {
		t.Errorf("component = %+v", c)
	}
}

func TestNotifyMetricsGRPCStatus(t *testing.T) {
	file := writeFile(t, `
health:
  paths: {status: "-"}
  status: {title: Orders, history: 50, refresh: 10s}
  notify:
    webhooks:
      - {url: "http://127.0.0.1:9/hook", headers: {Authorization: Bearer x}, timeout: 2s, max_retries: -1}
      - {url: "https://hooks.example.com/T/B/x", format: slack}
    queue_size: 10
    backoff: 100ms
  metrics: {enabled: true}
  grpc: {address: "127.0.0.1:0"}
`)
	cfg, err := Load(LoadOptions{File: file, Env: true, Environ: environ("VITALS_HEALTH__METRICS__PATH=/prom")})
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.Health
	want := notify.Config{
		Webhooks: []notify.Webhook{
			{URL: "http://127.0.0.1:9/hook", Headers: map[string]string{"Authorization": "Bearer x"}, Timeout: 2 * time.Second, MaxRetries: -1},
			{URL: "https://hooks.example.com/T/B/x", Format: "slack"},
		},
		QueueSize: 10, Backoff: 100 * time.Millisecond, MaxBackoff: 30 * time.Second,
	}
	if diff := cmp.Diff(want, h.Notify); diff != "" {
		t.Errorf("notify (-want +got):\n%s", diff)
	}
	if h.Paths.Status != Off || h.Status != (Status{Title: "Orders", History: 50, Refresh: 10 * time.Second}) {
		t.Errorf("status = %q %+v", h.Paths.Status, h.Status)
	}
	if h.Metrics != (Metrics{Enabled: true, Path: "/prom"}) || h.GRPC.Address != "127.0.0.1:0" {
		t.Errorf("metrics, grpc = %+v, %+v", h.Metrics, h.GRPC)
	}
}

func TestPathsOff(t *testing.T) {
	cfg, err := Load(LoadOptions{File: writeFile(t, "health: {paths: {ready: '-', jobs: '-', health: /h, status: '-'}}")})
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Health.Paths; p.Ready != Off || p.Jobs != Off || p.Status != Off || p.Health != "/h" {
		t.Errorf("paths = %+v", p)
	}
}

func TestChecksFromEnvironment(t *testing.T) {
	cfg, err := Load(LoadOptions{Env: true, Environ: environ(
		`VITALS_HEALTH__CHECKS=[{name: db, provider: tcp, interval: 2s, config: {address: "x:1"}}]`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Health.Checks) != 1 || cfg.Health.Checks[0].Interval != 2*time.Second || !cfg.Health.Checks[0].Critical {
		t.Fatalf("checks = %+v", cfg.Health.Checks)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		env  []string
		want []string // each must appear in the error
	}{
		{"bad check duration", `
health:
  checks:
    - {name: a, provider: tcp}
    - {name: b, provider: tcp}
    - {name: c, provider: tcp, interval: 5 sec}
`, nil, []string{`health.checks[2].interval: "5 sec" is not a duration`}},
		{"unknown key", "health: {lameduk: {period: 1s}}", nil, []string{"health.lameduk: unknown key"}},
		{"unknown top-level key", "metrics: {}", nil, []string{"metrics: unknown key"}},
		{"unknown server key", "server: {port: 80}", nil, []string{"server.port: unknown key"}},
		{"unknown check key", "health: {checks: [{name: a, provider: tcp, critcal: false}]}", nil, []string{"health.checks[0].critcal: unknown key"}},
		{"number as duration", "health: {interval: 5}", nil, []string{"health.interval: 5 is not a duration"}},
		{"negative duration", "health: {wait_for_ready: -1s}", nil, []string{`health.wait_for_ready: "-1s" must not be negative`}},
		{"zero interval", "health: {interval: 0s}", nil, []string{"health.interval: 0s must be positive"}},
		{"zero drain timeout", "health: {lameduck: {drain_timeout: 0s}}", nil, []string{"health.lameduck.drain_timeout: 0s must be positive"}},
		{"zero check timeout", "health: {check_timeout: 0s}", nil, []string{"health.check_timeout: 0s must be positive"}},
		{"status code", "health: {unavailable_status_code: 200}", nil, []string{"health.unavailable_status_code: 200 is not an HTTP error status"}},
		{"status code type", "health: {unavailable_status_code: many}", nil, []string{`health.unavailable_status_code: "many" is not an integer`}},
		{"details", "health: {details: sometimes}", nil, []string{`health.details: "sometimes" is not one of "never", "authorized", "always"`}},
		{"path without slash", "health: {paths: {ready: ready}}", nil, []string{`health.paths.ready: "ready" must start with "/"`}},
		{"duplicate path", "health: {paths: {jobs: /health}}", nil, []string{`health.paths.jobs: "/health" is already used by health.paths.health`}},
		{"aliases type", "health: {paths: {aliases: maybe}}", nil, []string{`health.paths.aliases: "maybe" is not a boolean`}},
		{"signal", "health: {lameduck: {signals: [SIGTERM, SIGWHAT]}}", nil, []string{`health.lameduck.signals[1]: "SIGWHAT" is not one of`}},
		{"signals type", "health: {lameduck: {signals: [1]}}", nil, []string{`health.lameduck.signals[0]: "1" is not one of SIGTERM`}},
		{"server address", "server: {address: localhost}", nil, []string{`server.address: "localhost" is not host:port`}},
		{"memory pages", "health: {wasm: {memory_pages: 70000}}", nil, []string{"health.wasm.memory_pages: 70000 is out of range [0, 65536]"}},
		{"pool size", "health: {wasm: {pool_size: 65}}", nil, []string{"health.wasm.pool_size: 65 is out of range [0, 64]"}},
		{"wasm max concurrent calls", "health: {wasm: {max_concurrent_calls: -1}}", nil, []string{"health.wasm.max_concurrent_calls: -1 is out of range [0, 1024]"}},
		{"wasm max net calls", "health: {wasm: {max_net_calls: 100001}}", nil, []string{"health.wasm.max_net_calls: 100001 is out of range [0, 100000]"}},
		{"wasm max sockets", "health: {wasm: {max_sockets: -3}}", nil, []string{"health.wasm.max_sockets: -3 is out of range [0, 100000]"}},
		{"table elements", "health: {wasm: {max_table_elements: 16777217}}", nil, []string{"health.wasm.max_table_elements: 16777217 is out of range [0, 16777216]"}},
		{"function locals", "health: {wasm: {max_function_locals: -1}}", nil, []string{"health.wasm.max_function_locals: -1 is out of range [0, 1000000]"}},
		{"compile timeout", "health: {wasm: {compile_timeout: 1h}}", nil, []string{"health.wasm.compile_timeout: 1h0m0s is out of range [0s, 10m0s]"}},
		{"compile timeout type", "health: {wasm: {compile_timeout: soon}}", nil, []string{`health.wasm.compile_timeout: "soon" is not a duration`}},
		{"section type", "health: {service: v1}", nil, []string{`health.service: "v1" is not a map of keys`}},
		{"checks type", "health: {checks: {name: a}}", nil, []string{"health.checks: a map is not a list"}},
		{"check config type", "health: {checks: [{name: a, provider: tcp, config: [1]}]}", nil, []string{"health.checks[0].config: a list is not a map of keys"}},
		{"check name missing", "health: {checks: [{provider: tcp}]}", nil, []string{"health.checks[0].name: is required"}},
		{"check name invalid", "health: {checks: [{name: 'a b', provider: tcp}]}", nil, []string{`health.checks[0].name: "a b" must be 1-253`}},
		{"check name duplicate", "health: {checks: [{name: a, provider: tcp}, {name: a, provider: http}]}", nil, []string{`health.checks[1].name: "a" is already used by health.checks[0]`}},
		{"check provider missing", "health: {checks: [{name: a}]}", nil, []string{"health.checks[0].provider: is required"}},
		{"check fall", "health: {checks: [{name: a, provider: tcp, fall: -2}]}", nil, []string{"health.checks[0].fall: -2 must be at least 1"}},
		{"check rise type", "health: {checks: [{name: a, provider: tcp, rise: 1.5}]}", nil, []string{"health.checks[0].rise: 1.5 is not an integer"}},
		{"check group", "health: {checks: [{name: a, provider: tcp, groups: [ok, 'no way']}]}", nil, []string{`health.checks[0].groups[1]: "no way" is not a valid group name`}},
		{"check critical", "health: {checks: [{name: a, provider: tcp, critical: sure}]}", nil, []string{`health.checks[0].critical: "sure" is not a boolean`}},
		{"env value", "", []string{"VITALS_HEALTH__INTERVAL=fast"}, []string{`health.interval: "fast" is not a duration`, "(from environment variable VITALS_HEALTH__INTERVAL)"}},
		{"env unknown key", "", []string{"VITALS_HEALTH__LAMEDUK__PERIOD=0s"}, []string{"health.lameduk: unknown key (known keys: ", "(from environment variable VITALS_HEALTH__LAMEDUK__PERIOD)"}},
		{"env checks yaml", "", []string{"VITALS_HEALTH__CHECKS=[{name: a"}, []string{"health.checks: is not a YAML list", "VITALS_HEALTH__CHECKS"}},
		{"status path", "health: {paths: {status: status}}", nil, []string{`health.paths.status: "status" must start with "/" (or "-" to disable)`}},
		{"path trailing slash", "health: {paths: {health: /h/}}", nil, []string{`health.paths.health: "/h/" must not end with "/"`}},
		{"path root", "health: {paths: {ready: /}}", nil, []string{`health.paths.ready: "/" must not be "/"`}},
		{"path param", "health: {paths: {jobs: '/jobs/:id'}}", nil, []string{`health.paths.jobs: "/jobs/:id" must not contain ':'`}},
		{"per_check type", "health: {paths: {per_check: 2}}", nil, []string{`health.paths.per_check: 2 is not a boolean`}},
		{"status history", "health: {status: {history: -1}}", nil, []string{"health.status.history: -1 is not in 0-1000"}},
		{"details max depth", "health: {details_max_depth: -1}", nil, []string{"health.details_max_depth: -1 is not in 1-1000 (0: default 32)"}},
		{"details max bytes", "health: {details_max_bytes: 100000}", nil, []string{"health.details_max_bytes: 100000 is not in 256-65536 (0: default 16384)"}},
		{"status refresh", "health: {status: {refresh: often}}", nil, []string{`health.status.refresh: "often" is not a duration`}},
		{"status unknown", "health: {status: {colour: red}}", nil, []string{"health.status.colour: unknown key"}},
		{"metrics path", "health: {metrics: {enabled: true, path: metrics}}", nil, []string{`health.metrics.path: "metrics" must start with "/"`}},
		{"metrics path taken", "health: {metrics: {enabled: true, path: /status}}", nil, []string{`health.metrics.path: "/status" is already used by health.paths.status`}},
		{"token white space", "health: {token: 'a b'}", nil, []string{"health.token: must not contain white space"}},
		{"token trailing newline", "health: {token: \"abc\\n\"}", nil, []string{"health.token: must not contain white space"}},
		{"path is another's alias", "health: {paths: {ready: /healthz}}", nil, []string{`health.paths.ready: "/healthz" is already used by health.paths.aliases (/healthz as health.paths.health)`}},
		{"status at an alias", "health: {paths: {status: /readyz}}", nil, []string{`health.paths.status: "/readyz" is already used by health.paths.aliases (/readyz as health.paths.ready)`}},
		{"metrics at an alias", "health: {metrics: {enabled: true, path: /livez}}", nil, []string{`health.metrics.path: "/livez" is already used by health.paths.aliases (/livez as health.paths.health)`}},
		{"status under per-check", "health: {paths: {status: /health/status}, checks: [{name: status, provider: tcp, groups: [liveness]}]}", nil, []string{`health.paths.status: "/health/status" is already used by health.checks[0].name: the per-check path of check "status" (group "liveness") under health.paths.health; rename one`}},
		{"jobs under per-check", "health: {paths: {jobs: /ready/jobs}, checks: [{name: jobs, provider: tcp}]}", nil, []string{`health.paths.jobs: "/ready/jobs" is already used by health.checks[0].name: the per-check path of check "jobs" (group "readiness") under health.paths.ready`}},
		{"metrics under an alias's per-check", "health: {metrics: {enabled: true, path: /readyz/metrics}, checks: [{name: metrics, provider: tcp}]}", nil, []string{`health.metrics.path: "/readyz/metrics" is already used by health.checks[0].name: the per-check path of check "metrics" (group "readiness") under health.paths.aliases (/readyz as health.paths.ready)`}},
		{"group path taken", "health: {paths: {groups: {custom: /ready}}}", nil, []string{`health.paths.groups.custom: "/ready" is already used by health.paths.ready`}},
		{"two groups at one path", "health: {paths: {groups: {a: /g, b: /g}}}", nil, []string{`health.paths.groups.b: "/g" is already used by health.paths.groups.a`}},
		{"group path invalid", "health: {paths: {groups: {custom: custom}}}", nil, []string{`health.paths.groups.custom: "custom" must start with "/"`}},
		{"group path under a check", "health: {paths: {groups: {custom: /health/custom}}, checks: [{name: custom, provider: tcp, groups: [liveness, custom]}]}", nil, []string{`health.paths.groups.custom: "/health/custom" is already used by health.checks[0].name: the per-check path of check "custom" (group "liveness") under health.paths.health`}},
		{"profile", "health: {compat: {profile: consul}}", nil, []string{`health.compat.profile: "consul" is not a profile (want "roadrunner", "axway" or empty)`}},
		{"roadrunner status code", "health: {compat: {profile: roadrunner}, unavailable_status_code: 200}", nil, []string{`health.unavailable_status_code: 200 is accepted by RoadRunner's status plugin (100-599) but not here`}},
		{"axway page at a check", "health: {compat: {profile: axway, moved_status_path: /status/db}, checks: [{name: db, provider: tcp}]}", nil, []string{`health.compat.moved_status_path: "/status/db" is already used by health.checks[0].name: the per-check path of check "db" under health.compat.profile`}},
		{"metrics at axway's /status", "health: {compat: {profile: axway}, metrics: {enabled: true, path: /status}}", nil, []string{`health.metrics.path: "/status" is already used by health.compat.profile`}},
		{"metrics enabled", "health: {metrics: {enabled: yes please}}", nil, []string{`health.metrics.enabled: "yes please" is not a boolean`}},
		{"grpc address", "health: {grpc: {address: 9090}}", nil, []string{`health.grpc.address: "9090" is not host:port`}},
		{"grpc address taken", "server: {address: ':8080'}\nhealth: {grpc: {address: ':8080'}}", nil, []string{`health.grpc.address: ":8080" is already used by server.address`}},
		{"grpc unknown", "health: {grpc: {port: 1}}", nil, []string{"health.grpc.port: unknown key"}},
		{"notify url", "health: {notify: {webhooks: [{url: 'http://a/'}, {format: json}]}}", nil, []string{"health.notify.webhooks[1].url: is required"}},
		{"notify scheme", "health: {notify: {webhooks: [{url: 'ftp://a/'}]}}", nil, []string{"health.notify.webhooks[0].url: must be an http or https URL"}},
		{"notify format", "health: {notify: {webhooks: [{url: 'http://a/', format: xml}]}}", nil, []string{`health.notify.webhooks[0].format: "xml" is not one of json, slack`}},
		{"notify timeout", "health: {notify: {webhooks: [{url: 'http://a/', timeout: 5}]}}", nil, []string{"health.notify.webhooks[0].timeout: 5 is not a duration"}},
		{"notify retries", "health: {notify: {webhooks: [{url: 'http://a/', max_retries: -2}]}}", nil, []string{"health.notify.webhooks[0].max_retries: -2 must be -1"}},
		{"notify header", "health: {notify: {webhooks: [{url: 'http://a/', headers: {'a b': x}}]}}", nil, []string{`health.notify.webhooks[0].headers: "a b" is not a valid header name`}},
		{"notify header type", "health: {notify: {webhooks: [{url: 'http://a/', headers: {X-A: [1]}}]}}", nil, []string{"health.notify.webhooks[0].headers.X-A: a list is not a string"}},
		{"notify unknown", "health: {notify: {webhooks: [{url: 'http://a/', method: PUT}]}}", nil, []string{"health.notify.webhooks[0].method: unknown key"}},
		{"notify backoff", "health: {notify: {backoff: 10s, max_backoff: 1s}}", nil, []string{"health.notify.max_backoff: 1s is less than backoff 10s"}},
		{"notify queue", "health: {notify: {queue_size: -1}}", nil, []string{"health.notify.queue_size: -1 must not be negative"}},
		{"notify env", "", []string{"VITALS_HEALTH__NOTIFY__WEBHOOKS=[{url: nope}]"}, []string{"health.notify.webhooks[0].url: must be an http or https URL"}},
		{"all collected", "health: {interval: x, details: y, lameduk: 1, checks: [{name: a}]}", nil, []string{
			`health.interval: "x" is not a duration`, `health.details: "y" is not one of`, "health.lameduk: unknown key", "health.checks[0].provider: is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := LoadOptions{Env: true, Environ: environ(tc.env...)}
			if tc.file != "" {
				o.File = writeFile(t, tc.file)
			}
			cfg, err := Load(o)
			if err == nil {
				t.Fatalf("Load = %+v, want an error", cfg)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Errorf("error %v has no *KeyError", err)
			}
		})
	}
}

// TestPathsWithoutCollisions: what the route checks must let through.
func TestPathsWithoutCollisions(t *testing.T) {
	for _, file := range []string{
		"health: {paths: {health: /healthz, ready: /readyz}}",                        // the endpoints at their own aliases
		"health: {paths: {ready: /healthz, aliases: false}}",                         // no aliases
		"health: {paths: {status: /health/status, per_check: false}}",                // no per-check paths
		"health: {paths: {status: /health/x/status}}",                                // two levels under: not a check name
		"health: {paths: {health: '-', ready: /ready, status: /livez}}",              // no health endpoint, so no /livez alias
		"health: {metrics: {enabled: false, path: /healthz}}",                        // metrics off: the path is not served
		"health: {paths: {ready: '-', status: /ready/x}}",                            // no ready endpoint
		"health: {paths: {health: '-'}, metrics: {enabled: true, path: /healthz/m}}", // no /healthz alias
		"health: {paths: {status: /health/status}}",                                  // no check named status
		"health: {paths: {groups: {custom: /health/custom}}}",                        // a group under /health/{name}
		"health: {compat: {profile: axway}}",                                         // the page moves from /status
		"health: {compat: {profile: roadrunner}, unavailable_status_code: 500}",
	} {
		if _, err := Load(LoadOptions{File: writeFile(t, file)}); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

func TestDecodeErrorNotRepeated(t *testing.T) {
	_, err := Load(LoadOptions{File: writeFile(t, "health: {interval: 5 sec}")})
	if n := strings.Count(err.Error(), "health.interval"); n != 1 {
		t.Errorf("health.interval reported %d times:\n%v", n, err)
	}
}

func TestUnknownKeyIs(t *testing.T) {
	_, err := Load(LoadOptions{File: writeFile(t, "health: {nope: 1}")})
	if !IsUnknownKey(err) {
		t.Errorf("IsUnknownKey(%v) = false", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(LoadOptions{File: filepath.Join(t.TempDir(), "none.yaml")})
	if err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("err = %v, want it to name the file", err)
	}
}

func TestLoadBadYAML(t *testing.T) {
	_, err := Load(LoadOptions{File: writeFile(t, "health: [")})
	if err == nil || !strings.Contains(err.Error(), "vitals.yaml") {
		t.Errorf("err = %v, want it to name the file", err)
	}
}

func TestFromKoanf(t *testing.T) {
	k := koanfOf(t, map[string]any{
		"server.address":  "127.0.0.1:0",
		"server.port":     8080, // the app's own key
		"db.dsn":          "postgres://",
		"health.interval": "2s",
	})
	cfg, err := FromKoanf(k)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Address != "127.0.0.1:0" || cfg.Health.Interval != 2*time.Second || cfg.Health.CheckTimeout != 5*time.Second {
		t.Errorf("cfg = %+v", cfg)
	}
	if err := k.Set("health.lameduk", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := FromKoanf(k); err == nil || !strings.Contains(err.Error(), "health.lameduk: unknown key") {
		t.Errorf("err = %v", err)
	}
}

func TestComponentError(t *testing.T) {
	e, err := core.New(core.WithProviders(&core.HTTPProvider{}, core.NewJobsProvider()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	cases := []struct {
		c    core.Component
		want string
	}{
		{core.Component{Name: "x", Provider: "http"}, "health.checks[1].config.url: is required (the absolute http or https URL to request)"},
		{core.Component{Name: "x", Provider: "jobs", Config: map[string]any{"checker": "q", "max_active": "many"}},
			"health.checks[1].config.max_active: \"many\" is not an integer\n" +
				"health.checks[1].config.checker: \"q\" is not registered (no jobs checkers are registered)"},
		{core.Component{Name: "x", Provider: "nope"}, `health.checks[1].provider: "nope" is not registered`},
		{core.Component{Name: "-x", Provider: "http", Fall: -1}, "health.checks[1].name: \"-x\" must be 1-253 letters, digits, '.', '_' or '-', starting with a letter or digit\n" +
			"health.checks[1].fall: -1 must be at least 1"},
	}
	for _, tc := range cases {
		err := ComponentError("health.checks[1]", e.Add(ctx, tc.c))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%+v:\ngot  %v\nwant %s", tc.c, err, tc.want)
		}
		for _, leaf := range err.(interface{ Unwrap() []error }).Unwrap() {
			var ke *KeyError
			if !errors.As(leaf, &ke) || !strings.HasPrefix(ke.Path, "health.checks[1].") {
				t.Errorf("%v is not a *KeyError below the check", leaf)
			}
		}
	}
	if err := e.Add(ctx, core.Component{Name: "x", Provider: "http", Config: map[string]any{"url": "http://127.0.0.1/"}}); err != nil {
		t.Fatal(err)
	}
	err = ComponentError("health.checks[1]", e.Add(ctx, core.Component{Name: "x", Provider: "http", Config: map[string]any{"url": "http://127.0.0.1/"}}))
	if got, want := fmt.Sprint(err), "health.checks[1].name: already exists"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := ComponentError("health.checks[1]", errors.New("no field")); fmt.Sprint(err) != "health.checks[1]: no field" {
		t.Errorf("plain error: %v", err)
	}
}

// Vitals' own keys follow the providers' rule (confkit): text is parsed,
// and a bad value is an error of the same kind a provider reports.
func TestDecodeKinds(t *testing.T) {
	for _, tc := range []struct {
		key  string
		v    any
		kind confkit.Kind // "" for none
	}{
		{"health.status.history", "8", ""},
		{"health.status.history", "many", confkit.ErrType},
		{"health.status.history", 1.5, confkit.ErrType},
		{"health.status.history", "99999999999999999999", confkit.ErrRange},
		{"health.interval", "5s", ""},
		{"health.interval", "5 sec", confkit.ErrType},
		{"health.interval", "-1s", confkit.ErrRange},
		{"health.paths.aliases", "false", ""},
		{"health.paths.aliases", "maybe", confkit.ErrType},
		{"health.token", 1234, ""},
		{"health.token", map[string]any{}, confkit.ErrType},
		{"health.lameduk", 1, confkit.ErrUnknownKey},
	} {
		_, err := Load(LoadOptions{Defaults: map[string]any{tc.key: tc.v}})
		if tc.kind == "" {
			if err != nil {
				t.Errorf("%s = %#v: %v", tc.key, tc.v, err)
			}
			continue
		}
		fields := confkit.Fields(err)
		if len(fields) != 1 || fields[0].Path != tc.key || !errors.Is(err, tc.kind) {
			t.Errorf("%s = %#v: %v, want one %q error", tc.key, tc.v, err, tc.kind)
		}
	}
}

package config

import (
	"testing"
	"time"
)

// Every key that can be turned off takes the spelling of DESIGN.md's table
// "Off, one spelling per kind of value": "-" for a path or other string,
// 0s for a duration, -1 for a cap with a default, 0 for a cap without
// one, false for a boolean. A file with all of them loads, and each key
// reads as off.
func TestOffSpellings(t *testing.T) {
	cfg, err := Load(LoadOptions{File: writeFile(t, `
server: {read_timeout: 0s, write_timeout: 0s, max_connections: 0}
health:
  wait_for_ready: 0s
  paths: {health: "-", jobs: "-", status: "-", per_check: false, aliases: false}
  compat: {moved_status_path: "-"}
  lameduck: {period: 0s, connection_close: false}
  wasm: {cache_dir: "-", max_log_lines: -1, max_response_bytes: -1, max_stdio_bytes: -1, max_net_calls: -1, max_sockets: -1}
  status: {refresh: 0s}
  notify: {webhooks: [{url: "http://127.0.0.1:9/hook", max_retries: -1}]}
  metrics: {enabled: false, path: "-"}
  pprof: {enabled: false}
`)})
	if err != nil {
		t.Fatal(err)
	}
	s, h, w := cfg.Server, cfg.Health, cfg.Health.Wasm
	for key, off := range map[string]bool{
		"server.read_timeout":                   s.ReadTimeout == 0,
		"server.write_timeout":                  s.WriteTimeout == 0,
		"server.max_connections":                s.MaxConnections == 0,
		"health.wait_for_ready":                 h.WaitForReady == 0,
		"health.paths.health":                   h.Paths.Health == Off,
		"health.paths.jobs":                     h.Paths.Jobs == Off,
		"health.paths.status":                   h.Paths.Status == Off,
		"health.paths.per_check":                !h.Paths.PerCheck,
		"health.paths.aliases":                  !h.Paths.Aliases,
		"health.compat.moved_status_path":       h.Compat.MovedStatusPath == Off,
		"health.lameduck.period":                h.LameDuck.Period == 0,
		"health.lameduck.connection_close":      !h.LameDuck.ConnectionClose,
		"health.wasm.cache_dir":                 w.CacheDir == Off,
		"health.wasm.max_log_lines":             w.MaxLogLines == -1,
		"health.wasm.max_response_bytes":        w.MaxResponseBytes == -1,
		"health.wasm.max_stdio_bytes":           w.MaxStdioBytes == -1,
		"health.wasm.max_net_calls":             w.MaxNetCalls == -1,
		"health.wasm.max_sockets":               w.MaxSockets == -1,
		"health.status.refresh":                 h.Status.Refresh == 0*time.Second,
		"health.notify.webhooks[0].max_retries": len(h.Notify.Webhooks) == 1 && h.Notify.Webhooks[0].MaxRetries == -1,
		"health.metrics.enabled":                !h.Metrics.Enabled,
		"health.metrics.path":                   h.Metrics.Path == Off,
		"health.pprof.enabled":                  !h.Pprof.Enabled,
	} {
		if !off {
			t.Errorf("%s is not off", key)
		}
	}
}

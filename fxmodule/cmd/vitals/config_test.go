package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/internal/testfile"
)

// writeConfig writes a config file; {wasm} stands for testdata/wasm.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	return testfile.Write(t, "vitals.yaml", strings.ReplaceAll(text, "{wasm}", wasmDir))
}

const goodConfig = `
server:
  address: ":8080"
health:
  interval: 5s
  lameduck:
    period: 2s
  checks:
    - name: orders
      provider: wasm
      interval: 10s
      timeout: 1s
      groups: [readiness, liveness]
      config:
        module: {wasm}/noop.wasm
        memory_pages: 64
        shard: 7
`

func TestConfigValidateGood(t *testing.T) {
	t.Parallel()
	file := writeConfig(t, goodConfig)
	r := vitals(t, nil, "config", "validate", file)
	expect(t, r, 0, []string{file + ": valid, 1 check(s)"}, nil)
}

func TestConfigValidateBad(t *testing.T) {
	t.Parallel()
	// Problems found by loading: all reported, each with its key path.
	file := writeConfig(t, `
health:
  interval: soon
  bogus: 1
  checks:
    - name: orders
      provider: wasm
      interval: 5 sec
      config:
        module: {wasm}/noop.wasm
`)
	r := vitals(t, nil, "config", "validate", file)
	expect(t, r, 1, []string{
		file + ": invalid, 3 problem(s)",
		`health.checks[0].interval: "5 sec" is not a duration`,
		`health.interval: "soon" is not a duration`,
		"health.bogus: unknown key",
	}, nil)

	// Problems found by the providers: a module that is not a probe, a
	// provider nobody registers.
	file = writeConfig(t, `
health:
  checks:
    - name: orders
      provider: wasm
      config:
        module: {wasm}/nomarker.wasm
    - name: kafka
      provider: no-such-provider
    - name: web
      provider: http
      config:
        url: ftp://web.internal/health
`)
	r = vitals(t, nil, "config", "validate", file)
	expect(t, r, 1, []string{
		"invalid, 3 problem(s)",
		"health.checks[0].config", "missing export vitals_abi_v1",
		`health.checks[1].provider: "no-such-provider"`,
		"health.checks[2].config.url: ",
	}, nil)
	// --provider accepts the app's own providers.
	r = vitals(t, nil, "config", "validate", "--provider", "no-such-provider", file)
	expect(t, r, 1, []string{"invalid, 2 problem(s)", "health.checks[0].config"}, nil)
	if strings.Contains(r.stdout, "health.checks[1]") {
		t.Errorf("--provider did not register the provider\n%s", r)
	}

	// Not YAML at all.
	expect(t, vitals(t, nil, "config", "validate", writeConfig(t, "health: [\n")), 1, []string{"invalid", "yaml"}, nil)
}

func TestConfigValidateEnv(t *testing.T) {
	t.Parallel()
	file := writeConfig(t, goodConfig)
	env := []string{"VITALS_HEALTH__CHECK_TIMEOUT=often"}
	expect(t, vitals(t, env, "config", "validate", file), 0, []string{"valid"}, nil)
	expect(t, vitals(t, env, "config", "validate", "--env", file), 1, []string{
		`health.check_timeout: "often" is not a duration`, "VITALS_HEALTH__CHECK_TIMEOUT",
	}, nil)
}

func TestConfigValidateUnreadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := vitals(t, nil, "config", "validate", filepath.Join(dir, "missing.yaml"))
	expect(t, r, 2, nil, []string{"cannot read the config", "no such file"})
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
	expect(t, vitals(t, nil, "config", "validate", dir), 2, nil, []string{"is a directory"})
	expect(t, vitals(t, nil, "config", "validate"), 2, nil, []string{"Usage: vitals config validate"})
}

package config

import (
	"strings"
	"testing"
)

func TestPprofKeys(t *testing.T) {
	const tok = "0123456789abcdef"
	for _, c := range []struct{ body, want string }{
		{"health: {pprof: {enabled: true}}", "health.pprof.token: is required when health.pprof.enabled is true: profiles are never served without their own token (health.details: always does not open them)"},
		{"health: {details: always, pprof: {enabled: true}}", "health.pprof.token: is required"},
		{"health: {pprof: {enabled: true, token: short}}", "health.pprof.token: is 5 characters, fewer than 16"},
		{"health: {token: " + tok + ", pprof: {enabled: true, token: " + tok + "}}", "health.pprof.token: is health.token: give profiles a token of their own"},
		{"health: {pprof: {enabled: true, token: '" + tok + " x'}}", "health.pprof.token: must not contain white space"},
		{"health: {pprof: {enabled: true, token: " + tok + ", path: debug}}", "health.pprof.path:"},
		{"health: {pprof: {enabled: true, token: " + tok + ", path: /health}}", `health.pprof.path: "/health" is already used by health.paths.health`},
		{"health: {pprof: {enabled: true, token: " + tok + ", paths: x}}", "health.pprof.paths: unknown key"},
	} {
		_, err := Load(LoadOptions{File: writeFile(t, c.body)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.body, err, c.want)
		}
	}
	cfg, err := Load(LoadOptions{File: writeFile(t, "health: {pprof: {enabled: true, token: "+tok+"}}")})
	if err != nil || !cfg.Health.Pprof.Enabled || cfg.Health.Pprof.Path != "/debug/pprof" {
		t.Fatalf("%+v %v", cfg, err)
	}
}

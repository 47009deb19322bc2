package main

import (
	"strings"
	"testing"
)

// "config validate" never prints a secret a reference resolved: not in a
// load error, not in a provider's error.
func TestConfigValidateRedactsSecrets(t *testing.T) {
	t.Parallel()
	const planted = "ftp://pl4nted-s3cret-7f3a/"
	env := []string{"VT_PLANTED=" + planted}
	load := writeConfig(t, `
health:
  interval: "${env:VT_PLANTED}"
  token: "${env:VT_NOT_SET}"
`)
	r := vitals(t, env, "config", "validate", load)
	expect(t, r, 1, []string{
		`health.interval: "[redacted]" is not a duration`,
		"health.token: ${env:VT_NOT_SET}: the environment variable VT_NOT_SET is not set",
	}, nil)
	provider := writeConfig(t, `
health:
  checks:
    - {name: web, provider: http, config: {url: "${env:VT_PLANTED}"}}
`)
	r2 := vitals(t, env, "config", "validate", provider)
	expect(t, r2, 1, []string{`health.checks[0].config.url: "[redacted]" must be an absolute http or https URL`}, nil)
	for _, out := range []string{r.stdout, r.stderr, r2.stdout, r2.stderr} {
		if strings.Contains(out, "pl4nted") {
			t.Errorf("the output prints the secret:\n%s", out)
		}
	}
}

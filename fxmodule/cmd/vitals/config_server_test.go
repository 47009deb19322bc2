package main

import (
	"strings"
	"testing"
)

// An address no server can listen on is invalid, naming the key.
func TestConfigValidateServerAddress(t *testing.T) {
	t.Parallel()
	file := writeConfig(t, "server: {address: '999.1.1.1:99999'}\nhealth: {grpc: {address: '999.1.1.1:9090'}}\n")
	r := vitals(t, nil, "config", "validate", file)
	expect(t, r, 1, []string{
		`server.address: "999.1.1.1:99999": port "99999" is not a number in 0-65535`,
		`health.grpc.address: "999.1.1.1:9090": host "999.1.1.1" is not an IPv4 address`,
	}, nil)
}

// A jobs check names a checker the app provides: the file cannot show
// which, so validate says what it assumed, and with --jobs-checker a
// check naming another checker is an error naming the key.
func TestConfigValidateJobsChecker(t *testing.T) {
	t.Parallel()
	file := writeConfig(t, "health: {checks: [{name: mail, provider: jobs, config: {checker: emails}}, {name: queue, provider: jobs}]}\n")
	r := vitals(t, nil, "config", "validate", file)
	expect(t, r, 0, []string{file + ": valid, 2 check(s)", "assumed: the app provides the jobs checker(s) emails, queue"}, nil)
	r = vitals(t, nil, "config", "validate", "--jobs-checker", "emails", file)
	expect(t, r, 1, []string{`health.checks[1].config.checker: "queue" is not registered (known: emails)`}, nil)
	r = vitals(t, nil, "config", "validate", "--jobs-checker", "emails", "--jobs-checker", "queue", file)
	expect(t, r, 0, []string{file + ": valid, 2 check(s)"}, nil)
	if strings.Contains(r.stdout, "assumed") {
		t.Errorf("with every checker given, nothing is assumed:\n%s", r)
	}
}

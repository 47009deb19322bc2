package config

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/echomw"
)

// Details values.
const (
	DetailsNever      = "never"
	DetailsAuthorized = "authorized"
	DetailsAlways     = "always"
)

// Validate reports every problem with the configuration that can be seen
// without building an engine (providers check their own config when the
// engine is built), each as a *KeyError naming the key. Resolved secrets
// are redacted from the text.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &KeyError{Path: key, Err: fmt.Errorf(format, args...)})
	}
	errs = append(errs, c.Server.validate()...)
	h := c.Health
	if h.CheckTimeout <= 0 {
		bad("health.check_timeout", "%s must be positive", h.CheckTimeout)
	}
	if h.Interval <= 0 {
		bad("health.interval", "%s must be positive", h.Interval)
	}
	if err := echomw.ValidateUnavailableStatusCode(h.UnavailableStatusCode); err != nil {
		errs = append(errs, &KeyError{Path: "health.unavailable_status_code", Err: err})
	}
	if err := echomw.DetailsPolicy(h.Details).Validate(); err != nil {
		errs = append(errs, &KeyError{Path: "health.details", Err: err})
	}
	if n := h.DetailsMaxDepth; n < 1 || n > core.MaxDetailsMaxDepth {
		bad("health.details_max_depth", "%d is not in 1-%d", n, core.MaxDetailsMaxDepth)
	}
	if n := h.DetailsMaxBytes; n < 256 || n > core.MaxDetailsMaxBytes {
		bad("health.details_max_bytes", "%d is not in 256-%d", n, core.MaxDetailsMaxBytes)
	}
	if err := echomw.ValidateToken(h.Token); err != nil {
		errs = append(errs, &KeyError{Path: "health.token", Err: err})
	}
	errs = append(errs, h.Pprof.validate(h.Token)...)
	errs = append(errs, h.validatePaths()...)
	if n := h.Status.History; n < 0 || n > 1000 {
		bad("health.status.history", "%d is not in 0-1000", n)
	}
	for _, fe := range confkit.Fields(confkit.Prefix("health.notify", h.Notify.Validate())) {
		errs = append(errs, fe)
	}
	errs = append(errs, h.GRPC.validate(c.Server.Address)...)
	if h.LameDuck.DrainTimeout <= 0 {
		bad("health.lameduck.drain_timeout", "%s must be positive", h.LameDuck.DrainTimeout)
	}
	for i, n := range h.LameDuck.Signals {
		if _, err := ParseSignal(n); err != nil {
			bad(fmt.Sprintf("health.lameduck.signals[%d]", i), "%v", err)
		}
	}
	for _, fe := range confkit.Fields(confkit.Prefix("health.wasm", h.Wasm.Options().Validate())) {
		errs = append(errs, fe)
	}
	errs = append(errs, validateChecks(h.Checks)...)
	return c.Secrets.RedactError(errors.Join(errs...))
}

// validatePaths checks the endpoint paths: each starts with / or is Off,
// and no two routes collide: the configured paths, the metrics path, the
// aliases (health.paths.aliases) and the per-check paths
// (health.paths.per_check: {path}/{name} under the health and ready paths
// and their aliases, where a fixed path would hide the check of that name).
// A collision names both keys.
func (h Health) validatePaths() []error {
	var errs []error
	p := h.Paths
	paths := [][2]string{
		{"health.paths.health", p.Health}, {"health.paths.ready", p.Ready}, {"health.paths.jobs", p.Jobs},
		{"health.paths.status", p.Status},
	}
	if h.Metrics.Enabled {
		paths = append(paths, [2]string{"health.metrics.path", h.Metrics.Path})
	}
	if h.Pprof.Enabled {
		paths = append(paths, [2]string{"health.pprof.path", h.Pprof.Path})
	}
	seen := map[string]string{} // path: the key that routes it
	var fixed [][2]string       // the valid configured paths, in order
	for _, kv := range paths {
		key, v := kv[0], kv[1]
		switch {
		case v == Off:
		case echomw.ValidatePath(v) != nil:
			errs = append(errs, &KeyError{Path: key, Err: echomw.ValidatePath(v)})
		case seen[v] != "":
			errs = append(errs, &KeyError{Path: key, Err: fmt.Errorf("%q is already used by %s", v, seen[v])})
		default:
			seen[v] = key
			fixed = append(fixed, kv)
		}
	}
	on := func(key string) bool { // the endpoint of key is served
		for _, kv := range fixed {
			if kv[0] == key {
				return true
			}
		}
		return false
	}
	// Per-check prefixes: {path}/{name} of the health and ready endpoints.
	type prefix struct{ path, key string }
	var prefixes []prefix
	if p.PerCheck {
		if on("health.paths.health") {
			prefixes = append(prefixes, prefix{p.Health, "health.paths.per_check (" + p.Health + "/{name})"})
		}
		if on("health.paths.ready") {
			prefixes = append(prefixes, prefix{p.Ready, "health.paths.per_check (" + p.Ready + "/{name})"})
		}
	}
	if p.Aliases {
		// echomw's aliases: /livez and /healthz answer as the health
		// endpoint, /readyz as the ready one.
		aliases := [...][2]string{{"/livez", "health.paths.health"}, {"/healthz", "health.paths.health"}, {"/readyz", "health.paths.ready"}}
		for _, a := range aliases {
			alias, of := a[0], a[1]
			if !on(of) {
				continue
			}
			key := seen[alias]
			switch {
			case key == of:
				continue // the endpoint is at its alias already
			case key != "":
				errs = append(errs, &KeyError{Path: key, Err: fmt.Errorf("%q is already used by health.paths.aliases (%s as %s)", alias, alias, of)})
				continue
			}
			if p.PerCheck {
				prefixes = append(prefixes, prefix{alias, "health.paths.per_check (" + alias + "/{name}, health.paths.aliases)"})
			}
		}
	}
	for _, kv := range fixed {
		key, v := kv[0], kv[1]
		dir, name := v[:strings.LastIndex(v, "/")], v[strings.LastIndex(v, "/")+1:]
		for _, pr := range prefixes {
			if dir == pr.path {
				errs = append(errs, &KeyError{Path: key, Err: fmt.Errorf("%q is already used by %s: it would hide the check named %q", v, pr.key, name)})
			}
		}
	}
	return errs
}

func validateChecks(checks []Check) []error {
	var errs []error
	names := map[string]int{}
	for i, c := range checks {
		key := fmt.Sprintf("health.checks[%d]", i)
		if c.Name == "" {
			errs = append(errs, &KeyError{Path: key + ".name", Err: errors.New("is required")})
		} else if j, dup := names[c.Name]; dup {
			errs = append(errs, &KeyError{Path: key + ".name", Err: fmt.Errorf("%q is already used by health.checks[%d]", c.Name, j)})
		} else {
			names[c.Name] = i
		}
		if c.Name == "" {
			c.Name = "unnamed" // reported above; let core check the rest
		}
		if err := c.Component().WithDefaults().Validate(); err != nil {
			errs = append(errs, ComponentError(key, err))
		}
	}
	return errs
}

// ParseSignal turns a signal name ("SIGTERM" or "TERM", any case) into
// the signal.
func ParseSignal(name string) (os.Signal, error) {
	n := strings.ToUpper(strings.TrimSpace(name))
	if !strings.HasPrefix(n, "SIG") {
		n = "SIG" + n
	}
	switch n {
	case "SIGTERM":
		return syscall.SIGTERM, nil
	case "SIGINT":
		return syscall.SIGINT, nil
	case "SIGHUP":
		return syscall.SIGHUP, nil
	case "SIGQUIT":
		return syscall.SIGQUIT, nil
	}
	if s, ok := userSignal(n); ok {
		return s, nil
	}
	if n == "SIGUSR1" || n == "SIGUSR2" {
		return nil, fmt.Errorf("%q is not a signal on %s (use SIGTERM, SIGINT, SIGHUP or SIGQUIT)", name, runtime.GOOS)
	}
	return nil, fmt.Errorf("%q is not one of SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2", name)
}

// ParseSignals parses every name with ParseSignal.
func ParseSignals(names []string) ([]os.Signal, error) {
	out := make([]os.Signal, 0, len(names))
	for _, n := range names {
		s, err := ParseSignal(n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

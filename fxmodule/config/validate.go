package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/vitals-go/vitals/core/notify"
)

// Details values.
const (
	DetailsNever      = "never"
	DetailsAuthorized = "authorized"
	DetailsAlways     = "always"
)

// Validate reports every problem with the configuration that can be seen
// without building an engine (providers check their own config when the
// engine is built), each as a *KeyError naming the key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &KeyError{Key: key, Err: fmt.Errorf(format, args...)})
	}
	if a := c.Server.Address; a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			bad("server.address", "%q is not host:port", a)
		}
	}
	h := c.Health
	if h.CheckTimeout <= 0 {
		bad("health.check_timeout", "%s must be positive", h.CheckTimeout)
	}
	if h.Interval <= 0 {
		bad("health.interval", "%s must be positive", h.Interval)
	}
	if h.UnavailableStatusCode < 400 || h.UnavailableStatusCode > 599 {
		bad("health.unavailable_status_code", "%d is not an HTTP error status (400-599)", h.UnavailableStatusCode)
	}
	switch h.Details {
	case DetailsNever, DetailsAuthorized, DetailsAlways:
	default:
		bad("health.details", "%q is not one of never, authorized, always", h.Details)
	}
	errs = append(errs, h.validatePaths()...)
	if n := h.Status.History; n < 0 || n > 1000 {
		bad("health.status.history", "%d is not in 0-1000", n)
	}
	for _, e := range flatten(h.Notify.Validate()) {
		var fe *notify.FieldError
		if errors.As(e, &fe) {
			errs = append(errs, &KeyError{Key: "health.notify." + fe.Field, Err: fe.Err})
		} else {
			errs = append(errs, &KeyError{Key: "health.notify", Err: e})
		}
	}
	if a := h.GRPC.Address; a != "" {
		if _, port, err := net.SplitHostPort(a); err != nil {
			bad("health.grpc.address", "%q is not host:port", a)
		} else if a == c.Server.Address && port != "0" {
			bad("health.grpc.address", "%q is already used by server.address", a)
		}
	}
	if h.LameDuck.DrainTimeout <= 0 {
		bad("health.lameduck.drain_timeout", "%s must be positive", h.LameDuck.DrainTimeout)
	}
	for i, n := range h.LameDuck.Signals {
		if _, err := ParseSignal(n); err != nil {
			bad(fmt.Sprintf("health.lameduck.signals[%d]", i), "%v", err)
		}
	}
	if p := h.Wasm.MemoryPages; p < 0 || p > 65536 {
		bad("health.wasm.memory_pages", "%d is not in 0-65536", p)
	}
	if p := h.Wasm.PoolSize; p < 0 || p > 64 {
		bad("health.wasm.pool_size", "%d is not in 0-64", p)
	}
	errs = append(errs, validateChecks(h.Checks)...)
	return errors.Join(errs...)
}

// validatePaths checks the endpoint paths: each starts with / or is Off,
// and no two are the same.
func (h Health) validatePaths() []error {
	var errs []error
	seen := map[string]string{}
	p := h.Paths
	paths := [][2]string{
		{"health.paths.health", p.Health}, {"health.paths.ready", p.Ready}, {"health.paths.jobs", p.Jobs},
		{"health.paths.status", p.Status},
	}
	if h.Metrics.Enabled {
		paths = append(paths, [2]string{"health.metrics.path", h.Metrics.Path})
	}
	for _, kv := range paths {
		key := kv[0]
		switch {
		case kv[1] == Off:
		case checkPath(kv[1]) != nil:
			errs = append(errs, &KeyError{Key: key, Err: fmt.Errorf(`%q %v (or be "-": off)`, kv[1], checkPath(kv[1]))})
		case seen[kv[1]] != "":
			errs = append(errs, &KeyError{Key: key, Err: fmt.Errorf("%q is already used by %s", kv[1], seen[kv[1]])})
		default:
			seen[kv[1]] = key
		}
	}
	return errs
}

// checkPath is what echomw accepts as an endpoint path.
func checkPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return errors.New("must start with /")
	case p == "/":
		return errors.New(`must not be "/"`)
	case strings.HasSuffix(p, "/"):
		return errors.New("must not end with /")
	case strings.Contains(p, "//"):
		return errors.New(`must not contain "//"`)
	case strings.ContainsAny(p, ":*?#% \t\r\n"):
		return errors.New("must not contain ':', '*', '?', '#', '%' or white space")
	}
	return nil
}

func validateChecks(checks []Check) []error {
	var errs []error
	names := map[string]int{}
	for i, c := range checks {
		key := fmt.Sprintf("health.checks[%d]", i)
		if c.Name == "" {
			errs = append(errs, &KeyError{Key: key + ".name", Err: errors.New("is required")})
		} else if j, dup := names[c.Name]; dup {
			errs = append(errs, &KeyError{Key: key + ".name", Err: fmt.Errorf("%q is already used by health.checks[%d]", c.Name, j)})
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
	case "SIGUSR1":
		return syscall.SIGUSR1, nil
	case "SIGUSR2":
		return syscall.SIGUSR2, nil
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

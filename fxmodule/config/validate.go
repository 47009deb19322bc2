package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// Details values: echomw's DetailsPolicy values as the strings of
// health.details.
const (
	DetailsNever      = string(echomw.DetailsNever)
	DetailsAuthorized = string(echomw.DetailsAuthorized)
	DetailsAlways     = string(echomw.DetailsAlways)
)

// Validate reports every problem with the configuration that can be seen
// without building an engine (providers check their own config when the
// engine is built), each as a *confkit.FieldError naming the key.
// Resolved secrets are redacted from the text.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &confkit.FieldError{Path: key, Err: fmt.Errorf(format, args...)})
	}
	errs = append(errs, c.Server.validate()...)
	h := c.Health
	if h.CheckTimeout <= 0 {
		bad("health.check_timeout", "%s must be positive", h.CheckTimeout)
	}
	if h.Interval <= 0 {
		bad("health.interval", "%s must be positive", h.Interval)
	}
	if err := echomw.Profile(h.Compat.Profile).ValidateUnavailableStatusCode(h.UnavailableStatusCode); err != nil {
		errs = append(errs, &confkit.FieldError{Path: "health.unavailable_status_code", Err: err})
	}
	if err := echomw.DetailsPolicy(h.Details).Validate(); err != nil {
		errs = append(errs, &confkit.FieldError{Path: "health.details", Err: err})
	}
	if err := core.ValidateDetailsLimits(h.DetailsMaxDepth, h.DetailsMaxBytes); err != nil {
		errs = append(errs, confkit.Prefix("health", err))
	}
	if err := echomw.ValidateToken(h.Token); err != nil {
		errs = append(errs, &confkit.FieldError{Path: "health.token", Err: err})
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
	for _, fe := range confkit.Fields(confkit.Prefix("health.wasm", h.Wasm.Options.Validate())) {
		errs = append(errs, fe)
	}
	errs = append(errs, validateChecks(h.Checks)...)
	return c.Secrets.RedactError(errors.Join(errs...))
}

// validatePaths checks the endpoint paths with echomw's route table (the
// one place paths are decided): each path key, the groups' paths
// (health.paths.groups), the profile (health.compat.*), the metrics path
// and the checks' per-check paths. A collision names both keys.
func (h Health) validatePaths() []error {
	cfg, keys := h.routeConfig()
	_, err := echomw.PlanRoutes(cfg, h.members())
	var errs []error
	for _, fe := range confkit.Fields(err) {
		out := &confkit.FieldError{Path: keys.Replace(fe.Path), Err: fe.Err}
		var ce *echomw.CollisionError
		if errors.As(fe.Err, &ce) {
			c := *ce
			c.Other, c.Under = keys.Replace(c.Other), keys.Replace(c.Under)
			out.Err = &c
		}
		errs = append(errs, out)
	}
	return errs
}

// Routes returns the route table the health.paths.* and health.compat.*
// keys describe (echomw.PlanRoutes), the metrics path as a reserved route;
// an error when they do not validate.
func (h Health) Routes() ([]echomw.Route, error) {
	cfg, _ := h.routeConfig()
	return echomw.PlanRoutes(cfg, h.members())
}

// members returns the checks as the route table sees them.
func (h Health) members() []echomw.Member {
	members := make([]echomw.Member, len(h.Checks))
	for i, c := range h.Checks {
		members[i] = echomw.Member{Name: c.Name, Groups: c.Groups, Field: fmt.Sprintf("health.checks[%d].name", i)}
	}
	return members
}

// routeConfig returns the path settings of h as echomw's Config, and the
// replacer turning its field names into keys.
func (h Health) routeConfig() (echomw.Config, *strings.Replacer) {
	p := h.Paths
	cfg := echomw.Config{
		HealthPath: p.Health, ReadyPath: p.Ready, JobsPath: p.Jobs, StatusPath: p.Status,
		StatusPage:           statuspage.New,
		DisableAliases:       !p.Aliases,
		DisablePerCheckPaths: !p.PerCheck,
		Profile:              echomw.Profile(h.Compat.Profile),
		MovedStatusPath:      h.Compat.MovedStatusPath,
		Groups:               h.GroupPaths(),
	}
	// Paths served next to the handler: one entry each, so that the route
	// table refuses collisions with them (a profiler's path goes here).
	if h.Metrics.Enabled && h.Metrics.Path != Off {
		cfg.Reserved = append(cfg.Reserved, echomw.ReservedPath{Path: h.Metrics.Path, Field: "health.metrics.path"})
	}
	if h.Pprof.Enabled {
		cfg.Reserved = append(cfg.Reserved, echomw.ReservedPath{Path: h.Pprof.Path, Field: "health.pprof.path"})
	}
	// MovedStatusPath before StatusPath: a replacer tries its pairs in
	// order at each position.
	pairs := []string{
		"HealthPath", "health.paths.health", "ReadyPath", "health.paths.ready", "JobsPath", "health.paths.jobs",
		"MovedStatusPath", "health.compat.moved_status_path", "StatusPath", "health.paths.status",
		"Aliases", "health.paths.aliases", "PerCheckPaths", "health.paths.per_check", "Profile", "health.compat.profile",
	}
	for i, g := range cfg.Groups {
		pairs = append(pairs, fmt.Sprintf("Groups[%d]", i), "health.paths.groups."+g.Group)
	}
	return cfg, strings.NewReplacer(pairs...)
}

// GroupPaths returns health.paths.groups sorted by group name, as
// echomw.Config.Groups.
func (h Health) GroupPaths() []echomw.GroupPath {
	out := make([]echomw.GroupPath, 0, len(h.Paths.Groups))
	for _, g := range slices.Sorted(maps.Keys(h.Paths.Groups)) {
		out = append(out, echomw.GroupPath{Group: g, Path: h.Paths.Groups[g]})
	}
	return out
}

func validateChecks(checks []Check) []error {
	var errs []error
	names := map[string]int{}
	for i, c := range checks {
		key := fmt.Sprintf("health.checks[%d]", i)
		if c.Name == "" {
			errs = append(errs, &confkit.FieldError{Path: key + ".name", Err: errors.New("is required")})
		} else if j, dup := names[c.Name]; dup {
			errs = append(errs, &confkit.FieldError{Path: key + ".name", Err: fmt.Errorf("%q is already used by health.checks[%d]", c.Name, j)})
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

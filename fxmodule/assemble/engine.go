package assemble

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/wasmprobe"
)

// NewEngine builds the engine, not started, with readiness held until its
// Serve (core.WithServingGate): the built-in providers (http, tcp, jobs
// with the jobs sources registered, wasm), the extra providers, the
// components of health.checks and the app's checks. Errors name the key or
// group they come from ("health.checks[2].config: ...", "vitals.checks[0]:
// ...") and are all reported. log nil means slog.Default(). When cfg
// resolved secrets (cfg.Secrets), the log, the errors and every check's
// result and config errors are redacted.
func NewEngine(cfg *config.Config, log *slog.Logger, providers []core.Provider, checks []Check, jobs []JobsSource) (*core.Engine, error) {
	if cfg == nil {
		return nil, errors.New("assemble: config is nil")
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.Secrets.Len() > 0 {
		log = slog.New(cfg.Secrets.Handler(log.Handler()))
	}
	builtin, err := builtinProviders(cfg, log, jobs)
	if err != nil {
		return nil, cfg.Secrets.RedactError(err)
	}
	builtin = redacting(cfg.Secrets, builtin)
	providers = redacting(cfg.Secrets, providers)
	h := cfg.Health
	e, err := core.New(
		core.WithLogger(log),
		core.WithServingGate(),
		core.WithDefaults(h.Interval, h.CheckTimeout, 0, 0),
		core.WithDetailsLimits(h.DetailsMaxDepth, h.DetailsMaxBytes),
		core.WithProviders(builtin...),
	)
	if err != nil {
		closeProviders(builtin)
		return nil, fmt.Errorf("vitals: %w", err)
	}
	var errs []error
	for i, p := range providers {
		if err := e.RegisterProvider(p); err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %w", labelProviders, i, err))
		}
	}
	ctx := context.Background()
	comps := make([]core.Component, len(h.Checks))
	for i, c := range h.Checks {
		comps[i] = c.Component()
	}
	for i, err := range e.AddAll(ctx, comps) { // one publication for all
		errs = append(errs, config.ComponentError(fmt.Sprintf("health.checks[%d]", i), err))
	}
	for i, c := range checks {
		errs = append(errs, config.ComponentError(fmt.Sprintf("%s[%d]", labelChecks, i), e.AddFunc(ctx, c.Component, redactFunc(cfg.Secrets, c.Func))))
	}
	if err := errors.Join(errs...); err != nil {
		_ = e.Stop(ctx) // closes the providers
		return nil, cfg.Secrets.RedactError(err)
	}
	return e, nil
}

// Validate reports every problem with cfg, the providers' own checks of
// their configuration included, by building an engine and stopping it
// unstarted: what a "config validate" command needs. Pass the extra
// providers the app registers, if health.checks names any. Jobs sources
// are the app's too (group "vitals.jobs"): every checker a jobs check
// names is taken to exist, and the rest of its config is checked.
func Validate(cfg *config.Config, providers ...core.Provider) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	e, err := NewEngine(cfg, slog.New(slog.DiscardHandler), providers, nil, standInJobs(cfg))
	if err != nil {
		return err
	}
	return e.Stop(context.Background())
}

// ValidateWithJobs is Validate where the app's jobs checkers are known:
// a jobs check naming a checker that is not in checkers is an error naming
// its key ("health.checks[0].config.checker: ..."), as it is at start.
func ValidateWithJobs(cfg *config.Config, checkers []string, providers ...core.Provider) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	none := core.JobsCheckerFunc(func(context.Context) ([]core.JobsReport, error) { return nil, nil })
	jobs := make([]JobsSource, 0, len(checkers))
	for _, name := range checkers {
		jobs = append(jobs, JobsSource{Name: name, Checker: none})
	}
	e, err := NewEngine(cfg, slog.New(slog.DiscardHandler), providers, nil, jobs)
	if err != nil {
		return err
	}
	return e.Stop(context.Background())
}

// NamedJobsCheckers returns the jobs checkers cfg's jobs checks name
// (config.checker, else the check's name), once each, in config order:
// what the app must provide in the group "vitals.jobs" for start to
// succeed.
func NamedJobsCheckers(cfg *config.Config) []string {
	var out []string
	for _, j := range standInJobs(cfg) {
		out = append(out, j.Name)
	}
	return out
}

func closeProviders(ps []core.Provider) {
	for _, p := range ps {
		if c, ok := p.(core.Closer); ok {
			_ = c.Close(context.Background())
		}
	}
}

// standInJobs returns a jobs source for each checker the jobs checks of
// cfg name (config.checker, else the check's name).
func standInJobs(cfg *config.Config) []JobsSource {
	var out []JobsSource
	seen := map[string]bool{}
	none := core.JobsCheckerFunc(func(context.Context) ([]core.JobsReport, error) { return nil, nil })
	for _, c := range cfg.Health.Checks {
		if c.Provider != core.ProviderJobs {
			continue
		}
		name, ok := c.Config["checker"].(string)
		if !ok {
			name = c.Name
		}
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, JobsSource{Name: name, Checker: none})
	}
	return out
}

// builtinProviders returns the providers every engine of the module has:
// http, tcp, tls, dns, jobs (with the jobs sources of the group "vitals.jobs"
// registered) and wasm. Errors name the group entry or key they are about.
func builtinProviders(cfg *config.Config, log *slog.Logger, jobs []JobsSource) ([]core.Provider, error) {
	jp := core.NewJobsProvider()
	var errs []error
	for i, j := range jobs {
		if err := jp.Register(j.Name, j.Checker); err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %w", labelJobs, i, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	wasm, err := wasmprobe.NewProvider(context.Background(), WasmOptions(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("health.wasm: %w", err)
	}
	return []core.Provider{&core.HTTPProvider{}, &core.TCPProvider{}, &core.TLSProvider{}, &core.DNSProvider{}, jp, wasm}, nil
}

// WasmOptions returns the wasm provider's options that cfg's health.wasm.*
// keys describe, logging to log: what the module's engine uses, and what
// "vitals probe run --server-config" uses to run a probe as the server
// would.
func WasmOptions(cfg *config.Config, log *slog.Logger) wasmprobe.Options {
	o := cfg.Health.Wasm.Options
	o.Logger = log
	return o
}

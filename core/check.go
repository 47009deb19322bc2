package core

import (
	"context"
	"errors"
	"time"
)

// Result is the result of checking one component once.
type Result struct {
	// Component is the name of the component checked.
	Component string `json:"component"`
	// State is the published state, after fall/rise hysteresis.
	State State `json:"state"`
	// Observed is what the provider reported for this very check.
	Observed State `json:"observed"`
	// Message is a short human explanation ("HTTP 503", "connection refused").
	Message string `json:"message,omitempty"`
	// Details are provider-specific values (status code, latency, pipelines).
	Details map[string]any `json:"details,omitempty"`
	// Duration is how long the provider took.
	Duration time.Duration `json:"duration"`
	// Time is when the check started (after any wait for the concurrency
	// bound, WithConcurrency).
	Time time.Time `json:"time"`
	// Consecutive counts the checks in a row, this one included, whose
	// observed state was a success (Up/Degraded) or a failure as this one's.
	Consecutive int `json:"consecutive"`
	// Err is the failure, if any. Its text may name hosts and internals.
	Err error `json:"-"`
}

// Failed reports whether the observed state counts as a failure for fall/rise:
// Down or Unknown.
func (c Result) Failed() bool { return !c.Observed.Healthy() }

// Check is the former name of Result.
//
// Deprecated: use Result. "Check" now means only a thing to check (a
// health.checks entry, an app's check); Check goes away in the next minor
// release.
type Check = Result

// Provider checks components of one kind (http, tcp, a custom probe).
// Providers are registered by name on an Engine; a component selects one by
// that name.
type Provider interface {
	// Name is the key components use in their Provider field.
	Name() string
	// Check probes the component once. It must return when ctx is done; the
	// engine gives up waiting for it at that point anyway. c is shared by
	// the component's checks (copied once, not per check): Check must not
	// modify it. Only State,
	// Message, Details and Err of the result are used; the engine fills the rest.
	Check(ctx context.Context, c Component) Result
}

// ConfigValidator is implemented by providers that can reject a component's
// configuration when the component is added, rather than at check time.
type ConfigValidator interface {
	// ValidateConfig returns an error naming what is wrong with c's
	// configuration for this provider, or nil; Add, Update and New call it.
	ValidateConfig(c Component) error
}

// Closer is implemented by providers that hold resources (compiled modules,
// connection pools); the engine closes them on Stop.
type Closer interface {
	// Close releases the provider's resources; Stop calls it once, after
	// the checks have ended (or ctx has), and reports its error.
	Close(ctx context.Context) error
}

// Forgetter is implemented by providers that keep state per component
// (compiled modules, pooled instances): the engine calls Forget once a
// component of theirs is removed (Remove, or Sync dropping it or giving
// it another provider), so that the state goes with it rather than when
// the provider closes.
type Forgetter interface {
	// Forget drops what the provider keeps for the named component. A
	// check of it may still be running; a later one must work again.
	Forget(component string)
}

// CheckerFunc adapts a plain function to a check: nil means Up, an error
// wrapped with Degraded means Degraded, any other error means Down.
type CheckerFunc func(ctx context.Context) error

// Provider returns a provider named name that runs f.
func (f CheckerFunc) Provider(name string) Provider { return funcProvider{name: name, f: f} }

type funcProvider struct {
	name string
	f    CheckerFunc
}

func (p funcProvider) Name() string { return p.name }

func (p funcProvider) Check(ctx context.Context, _ Component) Result {
	err := p.f(ctx)
	switch {
	case err == nil:
		return Result{State: StateUp}
	case errors.As(err, new(*degradedError)):
		return Result{State: StateDegraded, Message: err.Error(), Err: err}
	default:
		return Result{State: StateDown, Message: err.Error(), Err: err}
	}
}

type degradedError struct{ err error }

func (d *degradedError) Error() string { return d.err.Error() }
func (d *degradedError) Unwrap() error { return d.err }

// Degraded marks err so that a CheckerFunc returning it reports Degraded
// rather than Down. Degraded(nil) is nil.
func Degraded(err error) error {
	if err == nil {
		return nil
	}
	return &degradedError{err: err}
}

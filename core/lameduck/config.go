package lameduck

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

const (
	// DefaultPeriod is how long the server keeps serving, with readiness
	// failing, before it stops listening.
	//
	// A load balancer only stops sending traffic once its health checks
	// have seen readiness fail enough times in a row. With HAProxy's
	// defaults (inter 2s, fall 3) that takes up to 6 s after readiness
	// flips, plus the duration of the check itself and of the requests it
	// already routed; Kubernetes endpoint removal takes a few seconds too.
	// 10 s covers that with margin, and 10 s of period plus DefaultDrainTimeout
	// still fits in Kubernetes' default 30 s termination grace period.
	//
	// The lame-duck seed package's 3 s "period" is not this period: that
	// package closes the listener at once, on the first signal, and uses
	// its period as the deadline of the server's Shutdown (what
	// DrainTimeout is here), with no serving period at all. Its
	// Period(x) is Config{DisablePeriod: true, DrainTimeout: x} (see the
	// package doc). Serving through a period only helps when the period
	// outlasts the load balancer's detection; 3 s would not with
	// HAProxy's defaults.
	DefaultPeriod = 10 * time.Second

	// DefaultDrainTimeout bounds the graceful shutdown after the period:
	// how long in-flight requests get to finish before their connections are
	// closed hard.
	DefaultDrainTimeout = 10 * time.Second

	// SameSignalWindow is how soon after Stop a first signal is taken
	// for the one that made the caller call Stop (fx.App and the Runner
	// both receive SIGTERM), and so does not end the period. Later signals
	// do.
	SameSignalWindow = time.Second
)

// DefaultSignals returns the signals that start the lame-duck sequence when
// Config.Signals is nil: SIGTERM (what Kubernetes, systemd and docker stop
// send) and SIGINT (Ctrl-C).
func DefaultSignals() []os.Signal { return []os.Signal{syscall.SIGTERM, os.Interrupt} }

// Config configures a Runner. The zero value is the defaults.
type Config struct {
	// Period to keep accepting and serving requests after the lame-duck
	// sequence starts, so that load balancers see readiness fail and stop
	// routing to the instance before it stops listening. Zero means
	// DefaultPeriod; see DisablePeriod for none.
	Period time.Duration

	// DisablePeriod shuts the server down right after the OnLameDuck
	// hooks, without a period (Period must then be zero). Use it when
	// nothing routes by readiness, and in tests. False (the zero value)
	// keeps the period.
	DisablePeriod bool

	// SkipPeriod is the former name of DisablePeriod, still honoured: either
	// one turns the period off.
	//
	// Deprecated: use DisablePeriod. SkipPeriod goes away in the next minor
	// release.
	SkipPeriod bool

	// DrainTimeout bounds the graceful shutdown after the period. Past it
	// the server is closed hard and the sequence returns a *LameDuckError
	// with Expired set. Zero means DefaultDrainTimeout.
	DrainTimeout time.Duration

	// Signals that start the sequence in Run; a second one during the
	// period ends the period at once. When Stop started the sequence,
	// a first signal within SameSignalWindow of it is taken for the one
	// that made the caller call Stop (fx.App and the Runner both
	// receive it) and only the next one ends the period; any signal later
	// than that ends it. Nil means DefaultSignals(); an empty,
	// non-nil slice means none: the caller calls Stop.
	Signals []os.Signal

	// DisableConnectionClose keeps keep-alive connections open during the
	// lame duck. By default (false, the zero value) keep-alive clients are
	// asked to reconnect (through the load balancer, which then routes
	// elsewhere): the HTTPAdapter and Runner.Middleware answer every HTTP/1
	// request with "Connection: close", and the connection closes after
	// that response.
	//
	// Idle connections are deliberately not closed when the lame duck
	// starts (http.Server.SetKeepAlivesEnabled(false) would): a proxy that
	// reuses its idle connections (HAProxy, by default) may be sending a
	// request on one at that very moment, and that request fails. They
	// close at shutdown, once the load balancer has stopped routing here.
	DisableConnectionClose bool

	// ConnectionClose is the former spelling of !DisableConnectionClose,
	// still honoured: new(false) keeps connections open too.
	//
	// Deprecated: use DisableConnectionClose. ConnectionClose goes away in
	// the next minor release.
	ConnectionClose *bool

	// OnLameDuck hooks run in order as soon as the sequence starts, before
	// the period: pass the engine's EnterLameDuck so readiness fails at once.
	// They must not block.
	OnLameDuck []func()

	// OnStopped hooks run in order once the server has shut down (or was
	// closed hard): pass the engine's Stop. They get the sequence's context,
	// which carries the caller's deadline, and must return when it is done.
	// Their errors are joined into the sequence's error.
	OnStopped []func(ctx context.Context) error

	// Logger receives one record per step, with its timing. Nil discards.
	Logger *slog.Logger
}

// connectionClose reports whether the lame duck answers "Connection:
// close": neither DisableConnectionClose nor the deprecated
// ConnectionClose turns it off.
func (c Config) connectionClose() bool {
	return !c.DisableConnectionClose && (c.ConnectionClose == nil || *c.ConnectionClose)
}

// periodOff reports whether DisablePeriod (or the deprecated SkipPeriod)
// is set, and the name of the field that is.
func (c Config) periodOff() (bool, string) {
	switch {
	case c.DisablePeriod:
		return true, "DisablePeriod"
	case c.SkipPeriod:
		return true, "SkipPeriod"
	}
	return false, ""
}

// withDefaults validates c and returns it with every zero value replaced by
// its default. Each problem is a *confkit.FieldError naming the Go field
// ("DrainTimeout", "Signals[1]").
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Period < 0 {
		errs = append(errs, confkit.Errorf("Period", "%s must not be negative", c.Period))
	}
	off, offField := c.periodOff()
	if off && c.Period > 0 {
		errs = append(errs, confkit.Errorf("Period", "%s is set together with %s", c.Period, offField))
	}
	if c.DrainTimeout < 0 {
		errs = append(errs, confkit.Errorf("DrainTimeout", "%s must not be negative", c.DrainTimeout))
	}
	for i, s := range c.Signals {
		if s == nil {
			errs = append(errs, confkit.Errorf(fmt.Sprintf("Signals[%d]", i), "is nil"))
		}
	}
	for i, h := range c.OnLameDuck {
		if h == nil {
			errs = append(errs, confkit.Errorf(fmt.Sprintf("OnLameDuck[%d]", i), "is nil"))
		}
	}
	for i, h := range c.OnStopped {
		if h == nil {
			errs = append(errs, confkit.Errorf(fmt.Sprintf("OnStopped[%d]", i), "is nil"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("lameduck: invalid config: %w", err)
	}
	if c.Period == 0 && !off {
		c.Period = DefaultPeriod
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.Signals == nil {
		c.Signals = DefaultSignals()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

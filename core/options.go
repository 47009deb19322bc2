package core

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vitals-go/vitals/core/internal/backoff"
)

// Option configures an Engine.
type Option func(*settings) error

type settings struct {
	logger       *slog.Logger
	concurrency  int
	jitter       float64
	components   ComponentStore
	checks       ResultStore
	history      int
	providers    []Provider
	initial      []Component
	retry        RetryConfig
	servingGate  bool
	defaults     Component
	timeoutGrace time.Duration
	details      detailsLimits
	storeQueue   int
	storeTimeout time.Duration
	now          func() time.Time // the clock of TTL components (ttl.go)
}

// DefaultConcurrency bounds how many checks run at once by default. Checks
// mostly wait on the network, so the bound is about sockets, not CPU.
const DefaultConcurrency = 64

// DefaultJitter spreads each interval by ±10%.
const DefaultJitter = 0.1

func defaultSettings() settings {
	return settings{
		logger:       slog.New(slog.DiscardHandler),
		concurrency:  DefaultConcurrency,
		jitter:       DefaultJitter,
		timeoutGrace: 25 * time.Millisecond,
		details:      detailsLimits{depth: DefaultDetailsMaxDepth, bytes: DefaultDetailsMaxBytes},
		storeQueue:   DefaultStoreQueue,
		storeTimeout: DefaultStoreWriteTimeout,
		now:          time.Now,
	}
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l != nil {
			s.logger = l
		}
		return nil
	}
}

// WithConcurrency bounds the number of checks running at once (default
// DefaultConcurrency).
func WithConcurrency(n int) Option {
	return atLeastOne("concurrency", n, func(s *settings) *int { return &s.concurrency })
}

// atLeastOne is the Option that sets the setting field points to to n,
// which must be at least 1: an error naming key otherwise.
func atLeastOne(key string, n int, field func(*settings) *int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("%s: %d must be at least 1", key, n)
		}
		*field(s) = n
		return nil
	}
}

// WithJitter spreads each check interval uniformly by ±fraction, and
// delays each component's first check by up to a tenth of its interval (at
// most 100ms), so that replicas and components added together do not
// probe in lockstep (default DefaultJitter; 0 disables). Without jitter,
// components added together are still spread over their interval from
// their second check on (see DESIGN.md, "The scheduler").
func WithJitter(fraction float64) Option {
	return func(s *settings) error {
		if fraction < 0 || fraction >= 1 {
			return fmt.Errorf("jitter: %v must be in [0, 1)", fraction)
		}
		s.jitter = fraction
		return nil
	}
}

// WithStores sets the component store (default none: the engine's own set
// is all there is, nothing survives a restart) and the check store
// (default an in-memory MemoryStore). Either may be nil to keep the
// default for it.
func WithStores(components ComponentStore, checks ResultStore) Option {
	return func(s *settings) error {
		s.components, s.checks = components, checks
		return nil
	}
}

// WithHistory sets how many results per component the default in-memory
// check store keeps (default DefaultHistory).
func WithHistory(n int) Option {
	return atLeastOne("history", n, func(s *settings) *int { return &s.history })
}

// WithStoreQueue bounds the queue of results waiting for the check store
// (default DefaultStoreQueue, at least 1) and each write's deadline
// (default DefaultStoreWriteTimeout; 0 keeps it). Checks never wait for
// the store: one goroutine writes the queue in order, and a result that
// finds it full is dropped for the store and counted (StoreStats, a log
// line at most every 10 s). A *MemoryStore (the default) is written in
// place, without the queue: it never blocks.
func WithStoreQueue(size int, timeout time.Duration) Option {
	return func(s *settings) error {
		if size < 1 {
			return fmt.Errorf("WithStoreQueue: size: %d must be at least 1", size)
		}
		if err := notNegative("WithStoreQueue", "timeout", timeout); err != nil {
			return err
		}
		s.storeQueue = size
		if timeout > 0 {
			s.storeTimeout = timeout
		}
		return nil
	}
}

// WithProviders registers providers, as RegisterProvider does.
func WithProviders(p ...Provider) Option {
	return func(s *settings) error {
		s.providers = append(s.providers, p...)
		return nil
	}
}

// WithComponents adds components, as Add does.
func WithComponents(c ...Component) Option {
	return func(s *settings) error {
		s.initial = append(s.initial, c...)
		return nil
	}
}

// WithDefaults sets the interval, timeout, fall and rise used for components
// that leave them zero (the package constants otherwise).
func WithDefaults(interval, timeout time.Duration, fall, rise int) Option {
	return func(s *settings) error {
		if err := errors.Join(
			notNegative("WithDefaults", "interval", interval),
			notNegative("WithDefaults", "timeout", timeout),
			notNegative("WithDefaults", "fall", fall),
			notNegative("WithDefaults", "rise", rise),
		); err != nil {
			return err
		}
		s.defaults = Component{Interval: interval, Timeout: timeout, Fall: fall, Rise: rise}
		return nil
	}
}

// WithServingGate keeps the engine in PhaseStarting after Start, so that
// readiness fails, until Serve is called. fxmodule uses it to hold /ready
// until the whole application has started.
func WithServingGate() Option {
	return func(s *settings) error {
		s.servingGate = true
		return nil
	}
}

// RetryConfig retries the first check of each component with exponential
// backoff before publishing a failure, for dependencies that need a moment
// at start (initial deployment).
type RetryConfig struct {
	// MaxRetries after the first attempt; 0 disables start-up retries.
	MaxRetries int
	// InitialBackoff before the first retry (default 500ms), doubled each time.
	InitialBackoff time.Duration
	// MaxBackoff caps the backoff (default 10s).
	MaxBackoff time.Duration
	// OnRetry, if set, is called before each retry.
	OnRetry func(component string, attempt int, backoff time.Duration, last Result)
}

// WithStartupRetry enables start-up retries.
func WithStartupRetry(r RetryConfig) Option {
	return func(s *settings) error {
		if err := errors.Join(
			notNegative("WithStartupRetry", "MaxRetries", r.MaxRetries),
			notNegative("WithStartupRetry", "InitialBackoff", r.InitialBackoff),
			notNegative("WithStartupRetry", "MaxBackoff", r.MaxBackoff),
		); err != nil {
			return err
		}
		if r.InitialBackoff == 0 {
			r.InitialBackoff = 500 * time.Millisecond
		}
		if r.MaxBackoff == 0 {
			r.MaxBackoff = 10 * time.Second
		}
		s.retry = r
		return nil
	}
}

// backoff is the wait before retry number attempt (1-based).
func (r RetryConfig) backoff(attempt int) time.Duration {
	return backoff.Exponential(r.InitialBackoff, r.MaxBackoff, attempt)
}

// notNegative names the option and the field when v is negative:
// "WithDefaults: fall: -1 must not be negative".
func notNegative[T int | time.Duration](option, field string, v T) error {
	if v < 0 {
		return fmt.Errorf("%s: %s: %v must not be negative", option, field, v)
	}
	return nil
}

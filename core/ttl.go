package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// TTLProviderName is the provider of TTL components, which every engine
// has: their results are pushed with RecordResult, and when none came
// within the component's ttl they turn Down ("last report 1m30s ago"), as
// Consul's TTL checks do. See TTLConfig. The name is taken: registering
// another provider under it fails.
const TTLProviderName = "ttl"

// Bounds of a TTL component's ttl.
const (
	MinTTL = time.Millisecond
	MaxTTL = 7 * 24 * time.Hour
)

// MaxPushedMessage bounds the message of a result given to RecordResult,
// in bytes; a longer one is cut and says so.
const MaxPushedMessage = 1024

const ttlKey = "ttl"

// ErrTTLExpired is the Err of the result a TTL component gets when no
// result was pushed within its ttl.
var ErrTTLExpired = errors.New("no result reported within the ttl")

// errTTLFresh marks a scheduled check of a TTL component whose last report
// is within its ttl: nothing to record (run drops it).
var errTTLFresh = errors.New("ttl: last report still fresh")

// TTLConfig is the config of a "ttl" component.
type TTLConfig struct {
	// TTL (ttl, required) is how long a pushed result holds: with none
	// pushed for that long the component is Down, at once (fall does not
	// apply to an expiry). In [MinTTL, MaxTTL]. The component's interval
	// is how often expiry is looked at: it turns Down within ttl +
	// interval of its last report, so keep the interval well under ttl.
	TTL time.Duration
}

// Map returns the Component.Config c stands for.
func (c TTLConfig) Map() map[string]any {
	return map[string]any{ttlKey: c.TTL.String()}
}

// Component returns a component named name of the ttl provider with
// config c, its interval a tenth of the ttl (at least MinTTL).
func (c TTLConfig) Component(name string) Component {
	return Component{Name: name, Provider: TTLProviderName, Config: c.Map(), Interval: max(c.TTL/10, MinTTL)}
}

func parseTTL(cfg map[string]any) (time.Duration, error) {
	r := confkit.NewReader(cfg)
	r.Only(ttlKey)
	if _, ok := r.Value(ttlKey); !ok {
		r.Fail(ttlKey, confkit.Problem(confkit.ErrRequired, "is required (how long a pushed result holds, e.g. 30s)"))
	}
	ttl := r.Duration(ttlKey, 0, MinTTL, MaxTTL)
	return ttl, r.Err()
}

// ttlProvider judges TTL components by the time of their last report.
type ttlProvider struct{ e *Engine }

func (p ttlProvider) Name() string { return TTLProviderName }

// ValidateConfig requires ttl in [MinTTL, MaxTTL].
func (p ttlProvider) ValidateConfig(c Component) error { return validateParsed(c, parseTTL) }

// Check is Down when the last report (or the component's addition, when
// none came yet) is older than the ttl; otherwise it says "fresh", which
// run does not record: the pushed result stands.
func (p ttlProvider) Check(_ context.Context, c Component) Result {
	ttl, err := parseTTL(c.Config)
	if err != nil {
		return invalidConfig(err)
	}
	e := p.e
	e.mu.Lock()
	ent, ok := e.entries[c.Name]
	var reported time.Time
	var pushed bool
	if ok {
		reported, pushed = ent.reported, ent.pushed
	}
	e.mu.Unlock()
	if !ok {
		return Result{State: StateUnknown, Message: "removed", Err: ErrNotFound}
	}
	age := e.set.now().Sub(reported)
	if age < ttl {
		return Result{Err: errTTLFresh}
	}
	age = age.Round(time.Millisecond)
	msg := fmt.Sprintf("last report %s ago (ttl %s)", age, ttl)
	if !pushed {
		msg = fmt.Sprintf("no report in the %s since it was added (ttl %s)", age, ttl)
	}
	return Result{State: StateDown, Message: msg, Err: ErrTTLExpired}
}

// RecordResult records a result produced outside the engine for the named
// component, the monitor seed's RecordResult: fall/rise apply as to a
// check the engine ran, the check store gets it, and a state change is
// published at once and emitted as an Event (a result that changes no
// state is published within MaxResultStaleness). Only State, Message,
// Details, Err and Time (zero: now) of res are used; Details are bounded
// as a provider's are, Message to MaxPushedMessage bytes.
//
// Any component takes pushed results (its scheduled checks go on); for a
// TTL component (TTLProviderName) they are the only results, and each one
// restarts its ttl. It returns the result as recorded, its State the
// published state after fall/rise, or an error when there is no such
// component or res.State is not a State. Results pushed after Stop are
// dropped.
func (e *Engine) RecordResult(name string, res Result) (Result, error) {
	if _, ok := res.State.name(); !ok {
		return Result{}, fmt.Errorf("core: record result of %q: state %d is not a State", name, int(res.State))
	}
	ent, ok := e.lookup(name)
	if !ok {
		return Result{}, fmt.Errorf("core: record result: component %q: %w", name, ErrNotFound)
	}
	if len(res.Message) > MaxPushedMessage {
		res.Message = res.Message[:MaxPushedMessage] + fmt.Sprintf("… (cut at %d bytes)", MaxPushedMessage)
	}
	if res.Time.IsZero() {
		res.Time = e.set.now()
	}
	res.Component, res.Observed, res.Consecutive = name, res.State, 0
	res.Details = e.set.details.limit(res.Details)
	return e.record(ent, res, recordPushed), nil
}

// ttlFresh reports whether res is a TTL component's "still fresh": then
// the result to return is the current one, and nothing is recorded.
func (e *Engine) ttlFresh(ent *entry, res Result) (Result, bool) {
	if !errors.Is(res.Err, errTTLFresh) {
		return res, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return ent.status.Result, true
}

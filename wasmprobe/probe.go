package wasmprobe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
)

// probe is the state kept for one component: its parsed config, module,
// logger, HTTP client and instance pool.
type probe struct {
	p      *Provider
	name   string
	raw    map[string]any
	cfg    probeConfig
	mod    *Module
	logger *slog.Logger
	prefix []byte // input up to the timeout_ms value
	http   *http.Client
	pool   *pool
}

func (p *Provider) newProbe(ctx context.Context, c core.Component, fromCheck bool) (*probe, error) {
	cfg, err := p.parseConfig(c.Config)
	if err != nil {
		return nil, err
	}
	mod, err := p.load(ctx, cfg.module, cfg.limits, cfg.compileTimeout, fromCheck)
	if err != nil {
		return nil, &confkit.FieldError{Path: KeyModule, Err: err}
	}
	name, _ := json.Marshal(c.Name)
	prefix := make([]byte, 0, len(name)+len(cfg.guest)+40)
	prefix = append(prefix, `{"name":`...)
	prefix = append(prefix, name...)
	prefix = append(prefix, `,"config":`...)
	prefix = append(prefix, cfg.guest...)
	prefix = append(prefix, `,"timeout_ms":`...)
	pr := &probe{
		p:      p,
		name:   c.Name,
		raw:    c.Config,
		cfg:    cfg,
		mod:    mod,
		logger: p.log.With(slog.String("probe", c.Name), slog.String("module", cfg.module)),
		prefix: prefix,
		pool:   newPool(cfg.poolSize),
	}
	if mod.usesHTTP && cfg.allow.GrantsHTTP() {
		pr.http = p.newHTTPClient(cfg.allow, cfg.allowPrivate)
	}
	for _, key := range cfg.zeroForNone {
		pr.logger.Warn("wasm probe config: "+key+": 0 for none is deprecated: write -1 (0 is to mean the provider's default, as in health.wasm)",
			slog.String("key", key), slog.Int("new", -1))
	}
	return pr, nil
}

func (pr *probe) close() {
	pr.pool.close()
	if pr.http != nil {
		pr.http.CloseIdleConnections()
	}
}

// check runs one check: take an instance (creating it if needed), call it,
// give it back or close it.
func (pr *probe) check(ctx context.Context) core.Result {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return core.Result{State: core.StateDown, Message: "the check's deadline passed before the probe ran", Err: fmt.Errorf("wasmprobe: %w", err)}
	}
	inst, err := pr.pool.get(ctx)
	if err != nil {
		if errors.Is(err, errReloaded) {
			return core.Result{State: core.StateUnknown, Message: errReloaded.Error(), Err: err}
		}
		msg := fmt.Sprintf("all %d instances of the probe stayed busy until the deadline", pr.cfg.poolSize)
		return core.Result{State: core.StateDown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, err)}
	}
	if !pr.p.acquireCall(ctx) {
		pr.pool.put(inst)
		return pr.p.callsBusy(ctx)
	}
	defer pr.p.releaseCall()
	if inst == nil || inst.mod.IsClosed() {
		inst.close()
		var res *core.Result
		if inst, res = pr.newInstance(ctx, start); res != nil {
			pr.pool.put(nil)
			return *res
		}
	}
	res, ok := inst.call(ctx, start)
	if !ok || inst.mod.IsClosed() {
		inst.close()
		inst = nil
	}
	pr.pool.put(inst)
	return res
}

// acquireCall takes one of the host's concurrent call slots, waiting until
// ctx is done or the provider closes; it reports whether it got one.
func (p *Provider) acquireCall(ctx context.Context) bool {
	return p.calls.acquire(ctx, p.closing)
}

func (p *Provider) releaseCall() { p.calls.release() }

// callsBusy is the result of a check that waited for a host call slot
// until its deadline.
func (p *Provider) callsBusy(ctx context.Context) core.Result {
	if p.closed.Load() {
		return core.Result{State: core.StateUnknown, Message: ErrClosed.Error(), Err: ErrClosed}
	}
	msg := fmt.Sprintf("all %d wasm call slots of the host stayed busy until the deadline (raise %s, health.wasm.%s)",
		p.calls.capacity(), KeyMaxConcurrentCalls, KeyMaxConcurrentCalls)
	p.log.LogAttrs(context.WithoutCancel(ctx), slog.LevelWarn, "wasm call slots of the host busy until a check's deadline",
		slog.Int(KeyMaxConcurrentCalls, p.calls.capacity()))
	return core.Result{State: core.StateDown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, ctx.Err())}
}

// warm starts one instance under a bounded timeout (the component's, or
// Options.DefaultTimeout), so that a module that cannot start is refused
// at load, and keeps it in the pool so that the first check is warm. It
// does nothing when the pool already has a started instance or all its
// slots are taken.
func (pr *probe) warm(timeout time.Duration) error {
	// Take every free slot, so that the started instance goes back first
	// and the next check gets it.
	var slots []*instance
	defer func() {
		for _, inst := range slots {
			pr.pool.put(inst)
		}
	}()
	for len(slots) < cap(pr.pool.slots) {
		select {
		case inst := <-pr.pool.slots:
			slots = append(slots, inst)
			continue
		default:
		}
		break
	}
	for i, inst := range slots {
		if inst != nil && !inst.mod.IsClosed() {
			return nil
		}
		inst.close()
		slots[i] = nil
	}
	if len(slots) == 0 {
		return nil // checks are running: it started before
	}
	if timeout <= 0 {
		timeout = pr.p.opts.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if !pr.p.acquireCall(ctx) {
		// The host is saturated: the first check starts the instance.
		pr.logger.LogAttrs(ctx, slog.LevelWarn, "wasm probe not started at load: the host's concurrent call slots stayed busy",
			slog.Int(KeyMaxConcurrentCalls, pr.p.calls.capacity()))
		return nil
	}
	defer pr.p.releaseCall()
	inst, res := pr.newInstance(ctx, time.Now())
	if res != nil {
		return pr.startError(res, timeout)
	}
	slots[0] = inst
	return nil
}

// startError is the load error of a module whose first instance failed to
// start. A trap or exit while starting is most often a runtime short of
// memory (a Go guest needs about 55 pages): the error says so.
func (pr *probe) startError(res *core.Result, timeout time.Duration) error {
	msg := res.Message
	if s, _ := res.Details["stderr"].(string); s != "" {
		first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
		msg += " (stderr: " + first + ")"
	}
	pages := pr.cfg.memoryPages
	var hint string
	switch {
	case res.State == core.StateDown:
		hint = fmt.Sprintf("it must start within the component's timeout (%s)", timeout)
	case strings.Contains(msg, "out of memory") || strings.Contains(msg, "memory"):
		hint = fmt.Sprintf("it needs more %s than %d (%s): raise %s", KeyMemoryPages, pages, pagesSize(uint64(pages)), KeyMemoryPages)
	default:
		hint = fmt.Sprintf("if it ran out of memory, it needs more %s than %d (%s)", KeyMemoryPages, pages, pagesSize(uint64(pages)))
	}
	return confkit.Errorf(KeyModule, "%s: cannot start: %s; %s", pr.cfg.module, msg, hint)
}

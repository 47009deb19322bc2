package wasmprobe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
)

// netBudget counts one check's network use against max_net_calls and
// max_sockets. calls and logged belong to the guest's goroutine; sockets is
// also counted by the HTTP transport's dials.
type netBudget struct {
	calls      int
	sockets    atomic.Int32
	maxCalls   int
	maxSockets int
	logged     bool
}

// budgetKey carries the *netBudget of a call to the HTTP client's dialer.
type budgetKey struct{}

// budgetError is a network call or socket past the check's budget.
type budgetError struct {
	key   string
	limit int
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("the check's network budget is spent (%s %d)", e.key, e.limit)
}

// takeCall counts one http_request or tcp_connect call.
func (b *netBudget) takeCall() error {
	if b.calls >= b.maxCalls {
		return &budgetError{key: KeyMaxNetCalls, limit: b.maxCalls}
	}
	b.calls++
	return nil
}

// takeSocket counts one socket about to be opened. A nil budget (a dial
// outside a check) is not counted.
func (b *netBudget) takeSocket() error {
	if b == nil {
		return nil
	}
	if int(b.sockets.Add(1)) > b.maxSockets {
		return &budgetError{key: KeyMaxSockets, limit: b.maxSockets}
	}
	return nil
}

// spent logs, once per check, that the budget stopped a call.
func (inst *instance) spent(ctx context.Context, err error) {
	b := &inst.net
	if b.logged {
		return
	}
	b.logged = true
	key, limit := KeyMaxNetCalls, b.maxCalls
	if be := (*budgetError)(nil); errors.As(err, &be) {
		key, limit = be.key, be.limit
	}
	inst.pr.logger.LogAttrs(context.WithoutCancel(ctx), slog.LevelWarn, "wasm probe network budget spent: further calls of this check fail with -6",
		slog.String("limit", key), slog.Int(key, limit), slog.Int("calls", b.calls), slog.Int("sockets", int(b.sockets.Load())))
}

// reset starts the budget of the next check.
func (b *netBudget) reset() {
	b.calls, b.logged = 0, false
	b.sockets.Store(0)
}

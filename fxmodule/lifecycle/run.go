package lifecycle

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vitals-go/vitals/fxmodule/config"
)

// StopMargin is what StopBudget adds to the lame-duck sequence: fx's
// default timeout, 15 s, for the engine and the rest of the app's stop.
const StopMargin = 15 * time.Second

// StopBudget is how long a stop of a runtime built from cfg may take: the
// lame-duck period and the drain timeout (the servers'), then, with
// webhooks, the drain timeout again (the notifier's), plus StopMargin. Run
// bounds its Stop with it; fxmodule.Timeouts gives it to fx.
func StopBudget(cfg *config.Config) time.Duration {
	ld := cfg.Health.LameDuck
	d := ld.Period + ld.DrainTimeout + StopMargin
	if len(cfg.Health.Notify.Webhooks) > 0 {
		d += ld.DrainTimeout
	}
	return d
}

// Run starts the runtime (Start), blocks until ctx ends or one of
// health.lameduck.signals asks the app to stop (after the lame-duck period
// when the app runs its own server), then stops it (Stop, bounded by
// StopBudget). It returns Start's error, or Stop's. Run replaces the func
// NotifyStop set: it is for apps that call Start and Stop themselves.
//
// An app that runs its own server shuts it down after Run returns: the
// server served through the period meanwhile.
func (r *Runtime) Run(ctx context.Context) error {
	asked := make(chan struct{})
	var once sync.Once
	r.NotifyStop(func() { once.Do(func() { close(asked) }) })
	if err := r.Start(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-asked:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), StopBudget(r.cfg))
	defer cancel()
	err := r.Stop(sctx)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

package lifecycle

import "context"

// Stop runs the lame-duck sequence: readiness fails at once (if
// EnterLameDuck has not made it fail already), the server keeps serving for
// health.lameduck.period, then shuts down gracefully within
// health.lameduck.drain_timeout (a *lameduck.LameDuckError with Expired
// past it), and the engine stops last. When the runtime runs no server it
// waits the period itself before stopping the engine, so that the app's
// server, if it stops after this hook, keeps serving meanwhile. If
// readiness never opened (start failed, or stop came first) there is no
// period. ctx's deadline bounds it all.
func (r *Runtime) Stop(ctx context.Context) error {
	r.enter(phaseStopping)
	return r.mode.stop(ctx, r.snapshot().served)
}

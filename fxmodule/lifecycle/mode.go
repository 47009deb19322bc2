package lifecycle

import (
	"context"
	"net"
)

// mode is who runs the app's server: the runtime (ownServer, with
// server.address set) or the app itself (appServer). Start and Stop are
// the same for both around these steps.
type mode interface {
	// bind binds what must fail Start when it cannot be bound.
	bind() error
	// unbind undoes bind when Start fails before run.
	unbind()
	// run begins serving (ownServer) or handling the lame-duck signals
	// (appServer), once the engine has started.
	run(ctx context.Context) error
	// stop runs the rest of the lame-duck sequence once readiness fails,
	// ending with afterServer; served says whether readiness opened (then
	// there is a period).
	stop(ctx context.Context, served bool) error
	// abort undoes bind and run when Start fails after run.
	abort()
	// addr is the address of the listener the runtime bound, or nil.
	addr() net.Addr
}

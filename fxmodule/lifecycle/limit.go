package lifecycle

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// connLimiter caps the connections a listener has open. Up to limit they
// are ordinary; the next reserve ones are accepted too but marked over
// (overCap), so that the server answers only the health endpoints on them
// (see limitHandler); past limit+reserve, Accept waits for a connection to
// close, and new ones wait in the kernel's accept queue meanwhile.
type connLimiter struct {
	net.Listener
	limit int64
	slots chan struct{} // one per open connection: limit+reserve
	open  atomic.Int64
	done  chan struct{}
	once  sync.Once
}

func newConnLimiter(ln net.Listener, limit, reserve int) *connLimiter {
	return &connLimiter{Listener: ln, limit: int64(limit), slots: make(chan struct{}, limit+reserve), done: make(chan struct{})}
}

// connReserve is the number of connections accepted past
// server.max_connections, for the health endpoints only: a tenth of the
// cap, at least 16.
func connReserve(limit int) int { return max(16, limit/10) }

// Accept waits for a free slot, then accepts.
func (l *connLimiter) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	n := l.open.Add(1)
	return &limitedConn{Conn: c, l: l, over: n > l.limit}, nil
}

// Close closes the listener and ends the Accept waiting for a slot.
func (l *connLimiter) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitedConn struct {
	net.Conn
	l    *connLimiter
	over bool // accepted past the limit, from the reserve
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.open.Add(-1)
		<-c.l.slots
	})
	return err
}

type overCapKey struct{}

// markOverCap is an http.Server ConnContext: it marks the requests of a
// connection accepted past the cap, after the app's own ConnContext.
func markOverCap(app func(context.Context, net.Conn) context.Context) func(context.Context, net.Conn) context.Context {
	return func(ctx context.Context, c net.Conn) context.Context {
		if app != nil {
			ctx = app(ctx, c)
		}
		if lc, ok := c.(*limitedConn); ok && lc.over {
			ctx = context.WithValue(ctx, overCapKey{}, true)
		}
		return ctx
	}
}

// limitHandler serves a connection accepted past the cap one request and
// closes it: a health endpoint's request is served as usual, any other is
// answered 503 with Retry-After, so that probes still get their answer
// when the app's own clients hold every ordinary connection.
func limitHandler(next http.Handler, health func(path string) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if over, _ := req.Context().Value(overCapKey{}).(bool); !over {
			next.ServeHTTP(w, req)
			return
		}
		w.Header().Set("Connection", "close")
		if health(req.URL.Path) {
			next.ServeHTTP(w, req)
			return
		}
		w.Header().Set("Retry-After", "1")
		http.Error(w, "vitals: connection limit reached (server.max_connections): only health endpoints are served on this connection; retry", http.StatusServiceUnavailable)
	})
}

// healthPaths returns the matcher of the paths the reserve serves: every
// group endpoint of the route table (health, ready, the groups of
// health.paths.groups), their aliases and per-check paths, and a
// profile's paths. The table (config.Health.Routes) decides them.
func (r *Runtime) healthPaths() func(path string) bool {
	routes, err := r.cfg.Health.Routes()
	if err != nil { // the configuration was validated: not reached
		r.log.Error("vitals: the route table", "err", err)
	}
	exact := map[string]bool{}
	var prefixes []string
	for _, rt := range routes {
		switch {
		case rt.Group == "" && rt.Profile == "":
		case rt.PerCheck:
			prefixes = append(prefixes, rt.Path+"/")
		default:
			exact[rt.Path] = true
		}
	}
	return func(path string) bool {
		if exact[path] {
			return true
		}
		for _, p := range prefixes {
			if strings.HasPrefix(path, p) {
				return true
			}
		}
		return false
	}
}

package lameduck

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// HTTPAdapter runs an *http.Server as a Server. Create it with HTTPServer.
type HTTPAdapter struct {
	srv *http.Server

	mu        sync.Mutex
	ln        net.Listener
	ready     chan struct{}
	readyOnce sync.Once
	wrapOnce  sync.Once
	closing   atomic.Bool // answer "Connection: close"
}

// HTTPServer adapts srv to Server. Serve serves on ln; when ln is nil it
// first listens on srv.Addr (":http" when empty), so that Ready, and the
// Runner's Ready, close only once the address is bound. Serve returns nil
// when the server was shut down or closed (http.ErrServerClosed). For TLS,
// pass a listener made with tls.NewListener.
//
// During the lame duck, with Config.ConnectionClose, the adapter answers
// HTTP/1 requests with "Connection: close" (Serve wraps srv.Handler for
// that), as Runner.Middleware does.
func HTTPServer(srv *http.Server, ln net.Listener) *HTTPAdapter {
	return &HTTPAdapter{srv: srv, ln: ln, ready: make(chan struct{})}
}

// Server returns the adapted server.
func (a *HTTPAdapter) Server() *http.Server { return a.srv }

// Serve binds the listener if needed, then serves until Shutdown or Close.
// The context is not used: the Runner stops the server.
func (a *HTTPAdapter) Serve(context.Context) error {
	a.mu.Lock()
	ln := a.ln
	a.mu.Unlock()
	if ln == nil {
		addr := a.srv.Addr
		if addr == "" {
			addr = ":http"
		}
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			return err
		}
		a.mu.Lock()
		a.ln = ln
		a.mu.Unlock()
	}
	a.wrapOnce.Do(func() {
		h := a.srv.Handler
		if h == nil {
			h = http.DefaultServeMux
		}
		a.srv.Handler = connectionClose(&a.closing, h)
	})
	a.readyOnce.Do(func() { close(a.ready) })
	err := a.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Ready is closed once Serve has bound the listener.
func (a *HTTPAdapter) Ready() <-chan struct{} { return a.ready }

// Addr returns the listener's address, or nil before Serve has bound it.
func (a *HTTPAdapter) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ln == nil {
		return nil
	}
	return a.ln.Addr()
}

// Shutdown calls http.Server.Shutdown: it closes the listener, then idle
// connections, and waits for active ones until ctx ends.
func (a *HTTPAdapter) Shutdown(ctx context.Context) error { return a.srv.Shutdown(ctx) }

// Close calls http.Server.Close: it closes the listener and every connection.
func (a *HTTPAdapter) Close() error { return a.srv.Close() }

// startConnectionClose makes responses say "Connection: close".
func (a *HTTPAdapter) startConnectionClose() { a.closing.Store(true) }

// connectionClose returns next wrapped so that HTTP/1 responses say
// "Connection: close" while on is true: net/http then closes the connection
// after the response, and the client opens a new one for its next request.
func connectionClose(on *atomic.Bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if on.Load() && req.ProtoMajor == 1 {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, req)
	})
}

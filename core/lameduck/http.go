package lameduck

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
)

// HTTPAdapter runs an *http.Server as a Server. Create it with HTTPServer.
type HTTPAdapter struct {
	srv *http.Server

	mu        sync.Mutex
	ln        net.Listener
	ready     chan struct{}
	readyOnce sync.Once
}

// HTTPServer adapts srv to Server. Serve serves on ln; when ln is nil it
// first listens on srv.Addr (":http" when empty), so that Ready, and the
// Runner's Ready, close only once the address is bound. Serve returns nil
// when the server was shut down or closed (http.ErrServerClosed). For TLS,
// pass a listener made with tls.NewListener.
//
// The adapter implements SetKeepAlivesEnabled, which the Runner calls during
// the lame duck when Config.ConnectionClose is on.
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

// SetKeepAlivesEnabled calls http.Server.SetKeepAlivesEnabled: with false,
// responses carry "Connection: close" and idle connections are closed.
func (a *HTTPAdapter) SetKeepAlivesEnabled(v bool) { a.srv.SetKeepAlivesEnabled(v) }

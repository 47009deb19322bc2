package testnet

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Serve listens on 127.0.0.1:0 and runs handle, in a goroutine of its
// own, for each connection it accepts, closing the connection when handle
// returns; it returns the listener's address. When the test ends it closes
// the listener and the connections still open (which unblocks a handler
// waiting on its client), and waits for every goroutine it started.
func Serve(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Go(func() {
				defer func() {
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
					_ = c.Close()
				}()
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// Silent returns the address of a loopback server (Serve) that accepts
// and never answers: it reads and discards what a client sends until the
// client closes the connection or the test ends.
func Silent(t testing.TB) string {
	t.Helper()
	return Serve(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

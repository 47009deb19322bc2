// Package testnet holds the loopback network fixtures of Vitals' own
// tests: a listener that accepts and closes every connection, and a port
// nothing listens on.
package testnet

import (
	"net"
	"sync"
	"testing"
)

// AcceptAndClose listens on 127.0.0.1:0, accepts every connection and
// closes it at once, and returns the listener's address. The listener is
// closed, and its goroutine waited for, when the test ends.
func AcceptAndClose(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// ClosedPort returns a loopback port nothing listens on, and nothing can
// listen on until the test ends: the local port of a connection the test
// holds open (a connection to it is refused, and no listener can take it,
// as one could a port that was merely free a moment ago).
func ClosedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		_ = client.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
	_, port, _ := net.SplitHostPort(client.LocalAddr().String())
	return port
}

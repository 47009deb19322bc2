package testnet

import (
	"net"
	"testing"
)

// Bound listens on 127.0.0.1:0 without ever accepting, and returns the
// address: one that is taken, for tests of bind errors. The listener is
// closed when the test ends.
func Bound(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}

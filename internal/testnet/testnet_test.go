package testnet

import (
	"io"
	"net"
	"testing"
	"time"
)

func TestAcceptAndClose(t *testing.T) {
	addr := AcceptAndClose(t)
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read: %v, want EOF (closed by the server)", err)
	}
	if _, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", ClosedPort(t)), 5*time.Second); err == nil {
		t.Fatal("dial to the closed port succeeded")
	}
}

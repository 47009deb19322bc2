package testnet_test

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/vitals-go/vitals/internal/testnet"
)

// TestServe: each connection gets the handler; one still open when the
// test ends is closed, so a handler that waits on its client (Silent's)
// returns and the cleanup does not hang.
func TestServe(t *testing.T) {
	t.Run("echo", func(t *testing.T) {
		addr := testnet.Serve(t, func(c net.Conn) {
			line, _ := bufio.NewReader(c).ReadString('\n')
			_, _ = io.WriteString(c, "got "+line)
		})
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(c, "ping\n")
		if b, err := io.ReadAll(c); string(b) != "got ping\n" || err != nil {
			t.Fatalf("read %q, %v; want \"got ping\\n\" then EOF (closed after the handler)", b, err)
		}
	})
	var c net.Conn
	t.Run("open at the end", func(t *testing.T) {
		addr := testnet.Silent(t)
		var err error
		if c, err = net.DialTimeout("tcp", addr, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "x") // the handler has the connection
	})
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	// EOF, or a reset when the listener closed before accepting it.
	_, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); err == nil || ok && ne.Timeout() {
		t.Fatalf("read after the subtest: %v, want the connection closed by its cleanup", err)
	}
}

package testnet

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	echo := Serve(t, func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		_, _ = io.WriteString(c, "echo "+line)
	})
	c, err := net.DialTimeout("tcp", echo, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "hi\n"); err != nil {
		t.Fatal(err)
	}
	// The server closes the connection when handle returns.
	if got, err := io.ReadAll(c); err != nil || string(got) != "echo hi\n" {
		t.Fatalf("read %q, %v; want the echo, then EOF", got, err)
	}
}

// A handle that waits on its client is unblocked by the test's end: this
// subtest's cleanup returns although the client never closes.
func TestServeCleanupClosesConnections(t *testing.T) {
	var c net.Conn
	t.Run("server", func(t *testing.T) {
		accepted := make(chan struct{})
		addr := Serve(t, func(c net.Conn) {
			close(accepted)
			WaitForClient(c)
		})
		var err error
		if c, err = net.DialTimeout("tcp", addr, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		<-accepted
	})
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("read after the server's end: %d, %v; want EOF", n, err)
	}
}

func TestListenDoesNotAccept(t *testing.T) {
	ln := Listen(t)
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !isTimeout(err) {
		t.Fatalf("read: %v, want a timeout (nobody accepts)", err)
	}
}

func TestServeUDP(t *testing.T) {
	addr := ServeUDP(t, func(req []byte) []byte {
		if bytes.Equal(req, []byte("quiet")) {
			return nil
		}
		return append([]byte("re: "), req...)
	})
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	_ = c.SetDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := c.Write([]byte("quiet")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(buf); !isTimeout(err) {
		t.Fatalf("read after a nil answer: %v, want a timeout", err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "re: ping" {
		t.Fatalf("read %q, %v; want the answer", buf[:n], err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

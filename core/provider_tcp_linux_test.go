package core_test

import (
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// fullBacklog returns the address of a listener whose accept queue is full:
// Linux drops further SYNs, so a connect hangs as it does to a host that
// does not answer.
func fullBacklog(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	// Fill the queue (a backlog of 0 holds one connection).
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			if i == 0 {
				t.Fatalf("first connect: %v", err)
			}
			return addr
		}
		t.Cleanup(func() { _ = c.Close() })
		if i > 8 {
			t.Skip("the kernel keeps accepting connections into the backlog")
		}
	}
}

func TestTCPProviderConnectTimeout(t *testing.T) {
	t.Parallel()
	addr := fullBacklog(t)
	res := checkWithin(t, &core.TCPProvider{}, map[string]any{"address": addr}, 300*time.Millisecond)
	if res.State != core.StateDown || !strings.Contains(res.Message, "connect to "+addr+": timed out after") {
		t.Fatalf("got %s %q", res.State, res.Message)
	}
}

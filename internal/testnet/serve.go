package testnet

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
)

// Listen returns a TCP listener on 127.0.0.1:0, closed when the test ends.
// Nothing accepts on it: the kernel completes handshakes into its backlog.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln
}

// Serve listens on 127.0.0.1:0 and runs handle for each connection, in a
// goroutine of its own, and closes the connection when handle returns. It
// returns the listener's address. When the test ends the listener and
// every open connection are closed (which unblocks a handle waiting on its
// client) and every goroutine Serve started is waited for.
func Serve(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	s := &connServer{ln: Listen(t), conns: map[net.Conn]struct{}{}}
	s.wg.Go(func() { s.accept(handle) })
	t.Cleanup(s.close)
	return s.ln.Addr().String()
}

// WaitForClient blocks until the client closes c (or Serve's cleanup
// does), reading and discarding what the client sends and writing
// nothing: Serve(t, WaitForClient) is a server that never answers.
func WaitForClient(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

// connServer is Serve's state: the connections open now.
type connServer struct {
	ln net.Listener
	wg sync.WaitGroup

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

func (s *connServer) accept(handle func(net.Conn)) {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.open(c)
		s.wg.Go(func() {
			defer s.done(c)
			handle(c)
		})
	}
}

// open tracks c; after close it closes c at once, so handle returns.
func (s *connServer) open(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return
	}
	s.conns[c] = struct{}{}
}

func (s *connServer) done(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_ = c.Close()
}

func (s *connServer) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// ServeUDP listens for datagrams on 127.0.0.1:0 and answers each with what
// answer returns for it (nothing when that is nil), until the test ends;
// it returns the address. req is valid only during the call. A reply that cannot be sent fails the test.
func ServeUDP(t testing.TB, answer func(req []byte) []byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		buf := make([]byte, 64<<10)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			reply := answer(buf[:n])
			if reply == nil {
				continue
			}
			if _, err := pc.WriteTo(reply, from); err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("testnet: udp reply: %v", err)
			}
		}
	}()
	t.Cleanup(func() { _ = pc.Close(); <-served })
	return pc.LocalAddr().String()
}

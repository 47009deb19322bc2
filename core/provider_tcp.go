package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// Config keys of the tcp provider.
const (
	tcpKeyAddress      = "address"
	tcpKeySend         = "send"
	tcpKeyExpect       = "expect"
	tcpKeyMaxReadBytes = "max_read_bytes"
)

const (
	tcpDefaultMaxRead = 4096
	tcpMaxMaxRead     = 1 << 20
	// tcpQuoteMax bounds how much of what was read a message quotes.
	tcpQuoteMax = 64
)

// TCPProvider checks that a TCP endpoint accepts connections and,
// optionally, answers as expected. Register it on an engine (its Name is
// "tcp") and configure components with these Config keys:
//
//   - address (required): host:port to connect to.
//   - send: bytes to write once connected ("PING\r\n").
//   - expect: a substring to read back (a banner, or the answer to send).
//     The check reads until it finds it, has read max_read_bytes, the peer
//     closes, or the deadline.
//   - max_read_bytes: how much is read at most looking for expect (default 4096).
//
// A connection (and the expected answer, if any) is Up. A refused or timed
// out connection, a failed write and an answer without expect are Down; the
// message quotes what was read, truncated. The connect timeout and the
// whole exchange are bounded by the context's deadline, which the engine
// sets from the component's timeout. Details hold address, remote_addr,
// connect_ms and, with expect, bytes_read.
type TCPProvider struct {
	// Dialer opens the connections; nil means a zero net.Dialer without TCP
	// keep-alive. Its Timeout, if set, bounds the connect on top of the
	// context's deadline.
	Dialer *net.Dialer
}

// Name returns "tcp".
func (p *TCPProvider) Name() string { return ProviderTCP }

type tcpConfig struct {
	address string
	send    string
	expect  string
	maxRead int64
}

func parseTCPConfig(cfg map[string]any) (tcpConfig, error) {
	r := confkit.NewReader(cfg)
	r.Only(tcpKeyAddress, tcpKeySend, tcpKeyExpect, tcpKeyMaxReadBytes)
	var tc tcpConfig
	tc.address, _ = readHostPort(r, tcpKeyAddress)
	tc.send = r.String(tcpKeySend, "")
	tc.expect = r.String(tcpKeyExpect, "")
	tc.maxRead = r.Int(tcpKeyMaxReadBytes, tcpDefaultMaxRead, 1, tcpMaxMaxRead)
	if n := int64(len(tc.expect)); n > tc.maxRead {
		r.Failf(tcpKeyExpect, "is %d bytes, longer than max_read_bytes (%d)", n, tc.maxRead)
	}
	return tc, r.Err()
}

// readHostPort reads key, a required host:port to connect to, and returns
// it and its host ("" when it is not a valid host:port: the problem is
// recorded in r).
func readHostPort(r *confkit.Reader, key string) (addr, host string) {
	addr = strings.TrimSpace(r.RequiredString(key, "host:port to connect to"))
	if addr == "" {
		return addr, ""
	}
	if err := validHostPort(addr); err != nil {
		r.Failf(key, "%v", err)
		return addr, ""
	}
	host, _, _ = net.SplitHostPort(addr)
	return addr, host
}

func validHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			return fmt.Errorf("%q is not host:port: %s", addr, ae.Err)
		}
		return fmt.Errorf("%q is not host:port: %v", addr, err)
	}
	if host == "" {
		return fmt.Errorf("%q has no host", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number in 1-65535", addr, port)
	}
	return nil
}

// ValidateConfig checks a component's config when it is added or updated.
// Every error names its key ("address: is required ...").
func (p *TCPProvider) ValidateConfig(c Component) error { return validateParsed(c, parseTCPConfig) }

// Check connects once, and sends and reads if configured.
func (p *TCPProvider) Check(ctx context.Context, c Component) Result {
	tc, err := parseTCPConfig(c.Config)
	if err != nil {
		return invalidConfig(err)
	}
	details := map[string]any{"address": tc.address}
	start := time.Now()
	conn, down := dialTarget(ctx, p.Dialer, tc.address, details)
	if down != nil {
		return *down
	}
	defer conn.Close()
	details["remote_addr"] = conn.RemoteAddr().String()
	if tc.send == "" && tc.expect == "" {
		return Result{State: StateUp, Message: "connected", Details: details}
	}

	// The exchange ends at the context's deadline, or at once when the
	// context is canceled.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if tc.send != "" {
		if _, err := io.WriteString(conn, tc.send); err != nil {
			msg := fmt.Sprintf("send to %s: %v", tc.address, err)
			if ctx.Err() != nil || isTimeout(err) {
				msg = fmt.Sprintf("send to %s: timed out after %s", tc.address, since(start))
			}
			return Result{State: StateDown, Message: msg, Err: err, Details: details}
		}
	}
	if tc.expect == "" {
		return Result{State: StateUp, Message: "connected, sent " + strconv.Itoa(len(tc.send)) + " bytes", Details: details}
	}
	got, found, err := readUntil(conn, []byte(tc.expect), tc.maxRead)
	details["bytes_read"] = len(got)
	if found {
		return Result{State: StateUp, Message: fmt.Sprintf("connected, read %q", tc.expect), Details: details}
	}
	var why string
	switch {
	case err == nil:
		why = fmt.Sprintf("not in the first %d bytes", len(got))
	case errors.Is(err, io.EOF):
		why = "connection closed"
	case ctx.Err() != nil || isTimeout(err):
		why = fmt.Sprintf("timed out after %s", since(start))
	default:
		why = err.Error()
	}
	if err == nil {
		err = errors.New("expected answer not found")
	}
	return Result{
		State:   StateDown,
		Message: fmt.Sprintf("%s: expected %q, %s; read %s", tc.address, tc.expect, why, quoteTruncated(got, tcpQuoteMax)),
		Err:     err,
		Details: details,
	}
}

// readUntil reads from r until want appears, limit bytes were read or a read
// fails. The error is nil when limit was reached.
func readUntil(r io.Reader, want []byte, limit int64) ([]byte, bool, error) {
	buf := make([]byte, 0, min(limit, 512))
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := min(int64(cap(buf)), limit)
		n, err := r.Read(buf[len(buf):end])
		// Only the new bytes and the len(want)-1 before them can complete a match.
		from := max(0, len(buf)-len(want)+1)
		buf = buf[:len(buf)+n]
		if bytes.Contains(buf[from:], want) {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	return buf, false, nil
}

// quoteTruncated quotes at most n bytes of b, saying how much there was.
func quoteTruncated(b []byte, n int) string {
	if len(b) == 0 {
		return "nothing"
	}
	if len(b) <= n {
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(string(b[:n])), len(b))
}

// dialTarget connects to address over TCP with d (nil: a dialer without
// keep-alive) and records connect_ms in details. A failure is the Down
// result to return, with a message that names the address and says why.
func dialTarget(ctx context.Context, d *net.Dialer, address string, details map[string]any) (net.Conn, *Result) {
	if d == nil {
		d = &net.Dialer{KeepAlive: -1}
	}
	start := time.Now()
	conn, err := d.DialContext(ctx, "tcp", address)
	if err != nil {
		msg := fmt.Sprintf("connect to %s: %v", address, dialCause(err))
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
			msg = fmt.Sprintf("connect to %s: timed out after %s", address, since(start))
		}
		return nil, &Result{State: StateDown, Message: msg, Err: err, Details: details}
	}
	details["connect_ms"] = float64(time.Since(start).Microseconds()) / 1000
	return conn, nil
}

// validateParsed is the ValidateConfig of a provider whose config parse reads:
// parse's error.
func validateParsed[T any](c Component, parse func(map[string]any) (T, error)) error {
	_, err := parse(c.Config)
	return err
}

// invalidConfig is the result of a check whose component's config does
// not parse: Unknown, "invalid config: config.<key>: ...".
func invalidConfig(err error) Result {
	return Result{State: StateUnknown, Message: "invalid config: " + confkit.Prefix("config", err).Error(), Err: err}
}

// dialCause strips the "dial tcp <addr>:" prefix of a dial error, which the
// message already says.
func dialCause(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}

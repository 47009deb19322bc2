package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// Bounds of the server.* and health.grpc.* limits.
const (
	minHeaderBytes = 1 << 10  // a request line and a Host header fit
	maxHeaderBytes = 16 << 20 // far above any proxy's limit
	maxConnections = 1 << 20  // above any open-file limit
	maxTimeout     = time.Hour
)

// validate checks the server.* keys.
func (s Server) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &confkit.FieldError{Path: "server." + key, Err: fmt.Errorf(format, args...)})
	}
	if s.Address != "" {
		if err := checkHostPort(s.Address); err != nil {
			bad("address", "%v", err)
		}
	}
	for _, t := range []struct {
		key      string
		v        time.Duration
		required bool
	}{
		{"read_header_timeout", s.ReadHeaderTimeout, true}, {"idle_timeout", s.IdleTimeout, true},
		{"read_timeout", s.ReadTimeout, false}, {"write_timeout", s.WriteTimeout, false},
	} {
		switch {
		case t.required && t.v <= 0:
			bad(t.key, "%s must be positive (a server without it can be stalled by slow clients)", t.v)
		case t.v > maxTimeout:
			bad(t.key, "%s is over %s", t.v, maxTimeout)
		}
	}
	if n := s.MaxHeaderBytes; n < minHeaderBytes || n > maxHeaderBytes {
		bad("max_header_bytes", "%d is not in %d-%d", n, minHeaderBytes, maxHeaderBytes)
	}
	if n := s.MaxConnections; n < 0 || n > maxConnections {
		bad("max_connections", "%d is not in 0-%d (0: no cap)", n, maxConnections)
	}
	return errs
}

// validate checks the health.grpc.* keys; serverAddress is server.address.
func (g GRPC) validate(serverAddress string) []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &confkit.FieldError{Path: "health.grpc." + key, Err: fmt.Errorf(format, args...)})
	}
	if a := g.Address; a != "" {
		if err := checkHostPort(a); err != nil {
			bad("address", "%v", err)
		} else if _, port, _ := net.SplitHostPort(a); a == serverAddress && port != "0" {
			bad("address", "%q is already used by server.address", a)
		}
	}
	if n := g.MaxConnections; n < 1 || n > maxConnections {
		bad("max_connections", "%d is not in 1-%d", n, maxConnections)
	}
	if n := g.MaxConcurrentStreams; n < 1 || n > 1<<16 {
		bad("max_concurrent_streams", "%d is not in 1-%d", n, 1<<16)
	}
	return errs
}

// checkHostPort accepts what a server can listen on: "host:port" where
// host is empty (every address), an IP address or a host name, and port
// is a number in 0-65535 (0: any free port). net.Listen would take
// "999.1.1.1:99999" for a host name and a port to look up; this does not.
func checkHostPort(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not host:port", a)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%q: port %q is not a number in 0-65535", a, port)
	} else if n > 65535 {
		return fmt.Errorf("%q: port %q is not a number in 0-65535", a, port)
	}
	if host == "" {
		return nil
	}
	if net.ParseIP(stripZone(host)) != nil {
		return nil
	}
	if err := checkHostName(host); err != nil {
		return fmt.Errorf("%q: host %q %v", a, host, err)
	}
	return nil
}

// stripZone drops an IPv6 zone ("fe80::1%eth0").
func stripZone(host string) string {
	if i := strings.LastIndexByte(host, '%'); i >= 0 && strings.Contains(host, ":") {
		return host[:i]
	}
	return host
}

// checkHostName checks the syntax of a DNS name (RFC 1123 labels). A name
// of digits and dots only is taken for an IPv4 address that does not
// parse.
func checkHostName(h string) error {
	if len(strings.TrimSuffix(h, ".")) > 253 {
		return errors.New("is longer than 253 characters")
	}
	if strings.Trim(h, "0123456789.") == "" {
		return errors.New("is not an IPv4 address (each of the four numbers is 0-255)")
	}
	if strings.Contains(h, ":") {
		return errors.New("is not an IPv6 address")
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return errors.New("is not a host name (each dot-separated label is 1-63 characters)")
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return errors.New("is not a host name (a label must not start or end with '-')")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Errorf("is not a host name (%q is not a letter, digit or '-')", r)
			}
		}
	}
	return nil
}

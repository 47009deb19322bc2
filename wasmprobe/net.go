package wasmprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/wasmprobe/policy"
)

// Error codes returned by the network host functions (ABI.md, "Error
// codes"); package policy defines them for the host and the test harness.
const (
	CodeDenied     = policy.CodeDenied     // not granted by the component's allow list
	CodeFailed     = policy.CodeFailed     // connection, DNS or protocol error
	CodeTimeout    = policy.CodeTimeout    // the call's own timeout or the check deadline
	CodeBadRequest = policy.CodeBadRequest // malformed JSON, bad URL or address, out-of-bounds pointer or length
	CodeTooLarge   = policy.CodeTooLarge   // the response does not fit resp_cap even with an empty body
	CodeBudget     = policy.CodeBudget     // the check's max_net_calls or max_sockets is spent
)

// parseGrants parses an allow list (policy.Parse), each bad entry an error
// that names its key, allow[i].
func parseGrants(entries []string) (policy.Grants, error) {
	g, bad := policy.Parse(entries)
	errs := make([]error, 0, len(bad))
	for _, e := range bad {
		errs = append(errs, &confkit.FieldError{Path: fmt.Sprintf("%s[%d]", KeyAllow, e.Index),
			Err: confkit.Problem(confkit.ErrInvalid, "%s", e.Error())})
	}
	return g, errors.Join(errs...)
}

// deniedError is a network access that the allow list does not grant.
type deniedError struct{ what string }

func (e *deniedError) Error() string { return e.what + " is not granted by the component's allow list" }

// dialGranted dials addr if allowed(host, port) says so. A host name is
// resolved here, and the dial is pinned to exactly the addresses it resolved
// to: the Control hook re-checks the address each socket actually connects
// to, so nothing between the check and the connect can redirect it.
// Unspecified, multicast and reserved addresses are never dialed for a host
// name, nor loopback, link-local (169.254.169.254, the cloud metadata
// service), private and the other non-public special-purpose ones unless
// allowPrivate (addrfilter.go): a grant by name must not lead inside the
// host or its network through a DNS answer. An IP literal grant dials what
// it names.
func (p *Provider) dialGranted(ctx context.Context, network, addr string, allowPrivate bool, allowed func(host, port string) bool, budget *netBudget) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if !allowed(host, port) {
		return nil, &deniedError{what: "connection to " + addr}
	}
	var ips []net.IP
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		ips = []net.IP{ip}
	} else {
		addrs, err := p.opts.Resolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, err
		}
		var dropped []net.IP
		if ips, dropped = p.filter.usableIPs(addrs, allowPrivate); len(ips) == 0 {
			if len(dropped) > 0 {
				return nil, &deniedError{what: fmt.Sprintf("connection to %s (resolved to %v, special-purpose addresses that are not public: loopback, link-local, private, shared, reserved, multicast or unspecified; set %s to allow the non-public unicast ones)", addr, dropped, KeyAllowPrivate)}
			}
			return nil, fmt.Errorf("%s resolved to no address", host)
		}
	}
	d := net.Dialer{Control: pinnedControl(ips, port)}
	var lastErr error
	for _, ip := range ips {
		if err := budget.takeSocket(); err != nil {
			return nil, err
		}
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// usableIPs splits the addresses of a host name into those that may be
// dialed and those that must not (addrfilter.go): unspecified, "this
// network", multicast, broadcast and reserved ones always, and unless
// allowPrivate every other special-purpose address that is not globally
// reachable (loopback, link-local, private, shared, documentation, …,
// and IPv6 addresses that embed such an IPv4 address).
func (f *addrFilter) usableIPs(addrs []net.IPAddr, allowPrivate bool) (ips, dropped []net.IP) {
	for _, a := range addrs {
		if f.usable(a.IP, allowPrivate) {
			ips = append(ips, a.IP)
		} else {
			dropped = append(dropped, a.IP)
		}
	}
	return ips, dropped
}

// pinnedControl is a net.Dialer Control hook that lets a socket connect only
// to one of ips on port.
func pinnedControl(ips []net.IP, port string) func(network, address string, c syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		h, pt, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(h)
		if pt == port {
			for _, want := range ips {
				if want.Equal(ip) {
					return nil
				}
			}
		}
		return &deniedError{what: "dial to " + address}
	}
}

// newHTTPClient returns the client of one probe: no proxy, no keep-alive
// (each check opens its own connections and leaves nothing behind), dials
// through dialGranted and every redirect hop re-checked against the grants.
func (p *Provider) newHTTPClient(g policy.Grants, allowPrivate bool) *http.Client {
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			budget, _ := ctx.Value(budgetKey{}).(*netBudget)
			return p.dialGranted(ctx, network, addr, allowPrivate, g.AllowHTTPDial, budget)
		},
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	if p.opts.TLSConfig != nil {
		tr.TLSClientConfig = p.opts.TLSConfig.Clone()
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			if !g.AllowRedirect(req.URL) {
				return &deniedError{what: "redirect to " + req.URL.Redacted()}
			}
			return nil
		},
	}
}

// netCode maps a network error to an ABI error code.
func netCode(ctx context.Context, err error) int32 {
	var denied *deniedError
	var spent *budgetError
	var ne net.Error
	switch {
	case errors.As(err, &denied):
		return CodeDenied
	case errors.As(err, &spent):
		return CodeBudget
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return CodeTimeout
	}
	return CodeFailed
}

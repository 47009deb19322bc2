package wasmprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/vitals-go/vitals/core/confkit"
)

// Error codes returned by the network host functions (ABI.md, "Error codes").
const (
	CodeDenied     = -1 // not granted by the component's allow list
	CodeFailed     = -2 // connection, DNS or protocol error
	CodeTimeout    = -3 // the call's own timeout or the check deadline
	CodeBadRequest = -4 // malformed JSON, bad URL or address, out-of-bounds pointer or length
	CodeTooLarge   = -5 // the response does not fit resp_cap even with an empty body
	CodeBudget     = -6 // the check's max_net_calls or max_sockets is spent
)

// httpGrant grants http_request to URLs under a prefix.
type httpGrant struct {
	scheme, host, port, path string
}

// tcpGrant grants tcp_connect to host:port; port "*" means any port.
type tcpGrant struct {
	host, port string
}

// grants is a parsed allow list. The zero value grants nothing.
type grants struct {
	http []httpGrant
	tcp  []tcpGrant
}

func (g grants) empty() bool { return len(g.http) == 0 && len(g.tcp) == 0 }

// parseGrants parses allow entries: "http://host[:port]/path/prefix" and
// "https://…" grant http_request, "host:port" and "host:*" grant tcp_connect.
func parseGrants(entries []string) (grants, error) {
	var g grants
	var errs []error
	for i, e := range entries {
		bad := func(format string, args ...any) {
			errs = append(errs, &confkit.FieldError{Path: fmt.Sprintf("%s[%d]", KeyAllow, i),
				Err: confkit.Problem(confkit.ErrInvalid, "%q: %s", e, fmt.Sprintf(format, args...))})
		}
		if strings.Contains(e, "://") {
			u, err := url.Parse(e)
			if err != nil {
				bad("not a URL: %v", err)
				continue
			}
			scheme := strings.ToLower(u.Scheme)
			switch {
			case scheme != "http" && scheme != "https":
				bad("scheme must be http or https (grant tcp_connect with host:port)")
			case u.User != nil:
				bad("must not contain user information")
			case u.Hostname() == "":
				bad("has no host")
			case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
				bad("must not have a query or fragment: it is a URL prefix")
			case hasDotSegment(u.Path):
				bad("must not contain . or .. path segments")
			default:
				port, ok := urlPort(u)
				if !ok {
					bad("bad port %q", u.Port())
					continue
				}
				path := u.Path
				if path == "" {
					path = "/"
				}
				g.http = append(g.http, httpGrant{scheme: scheme, host: normHost(u.Hostname()), port: port, path: path})
			}
			continue
		}
		host, port, err := net.SplitHostPort(e)
		if err != nil {
			bad("want a URL prefix (https://host/path/) for http_request or host:port or host:* for tcp_connect")
			continue
		}
		if host == "" || strings.ContainsAny(host, "/*?#@ ") {
			bad("bad host %q", host)
			continue
		}
		if port != "*" {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				bad("bad port %q (want 1-65535 or *)", port)
				continue
			}
		}
		g.tcp = append(g.tcp, tcpGrant{host: normHost(host), port: port})
	}
	return g, errors.Join(errs...)
}

// urlPort returns u's port, or the scheme's default.
func urlPort(u *url.URL) (string, bool) {
	p := u.Port()
	if p == "" {
		if strings.EqualFold(u.Scheme, "https") {
			return "443", true
		}
		return "80", true
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", false
	}
	return strconv.Itoa(n), true
}

// normHost lower-cases a host name and canonicalises an IP literal.
func normHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return lowerHost(h)
}

func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func pathUnder(prefix, p string) bool {
	return p == prefix ||
		(strings.HasSuffix(prefix, "/") && strings.HasPrefix(p, prefix)) ||
		strings.HasPrefix(p, prefix+"/")
}

// allowURL reports whether an http grant covers u (which has no dot segments).
func (g grants) allowURL(u *url.URL) bool {
	scheme := strings.ToLower(u.Scheme)
	host := normHost(u.Hostname())
	port, ok := urlPort(u)
	if !ok {
		return false
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	for _, h := range g.http {
		if h.scheme == scheme && h.host == host && h.port == port && pathUnder(h.path, path) {
			return true
		}
	}
	return false
}

// allowHTTPDial reports whether some http grant names host:port.
func (g grants) allowHTTPDial(host, port string) bool {
	host = normHost(host)
	for _, h := range g.http {
		if h.host == host && h.port == port {
			return true
		}
	}
	return false
}

// allowTCP reports whether a tcp grant covers host:port.
func (g grants) allowTCP(host, port string) bool {
	host = normHost(host)
	for _, t := range g.tcp {
		if t.host == host && (t.port == "*" || t.port == port) {
			return true
		}
	}
	return false
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
func (p *Provider) newHTTPClient(g grants, allowPrivate bool) *http.Client {
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			budget, _ := ctx.Value(budgetKey{}).(*netBudget)
			return p.dialGranted(ctx, network, addr, allowPrivate, g.allowHTTPDial, budget)
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
			if hasDotSegment(req.URL.Path) || !g.allowURL(req.URL) {
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

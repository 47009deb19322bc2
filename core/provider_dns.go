package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// Config keys of the dns provider.
const (
	dnsKeyName        = "name"
	dnsKeyType        = "type"
	dnsKeyServer      = "server"
	dnsKeyExpect      = "expect"
	dnsKeyMinCount    = "min_count"
	dnsKeyMaxDuration = "max_duration"
)

const (
	dnsMaxExpect   = 64
	dnsMaxMinCount = 1000
	// dnsMaxShown bounds the answers listed in details and messages.
	dnsMaxShown = 20
)

// dnsTypes are the record types the dns provider looks up, separated by
// spaces.
const dnsTypes = "A AAAA CNAME TXT SRV MX"

// DNSProvider checks that a name resolves. Register it on an engine (its
// Name is "dns") and configure components with these Config keys:
//
//   - name (required): the name to resolve ("api.example.com."; a name
//     without a final dot may be tried with the system's search domains).
//   - type: A (default), AAAA, CNAME, TXT, SRV or MX.
//   - server: host:port (or an IP, port 53) of the DNS server to ask;
//     default: the system resolver (or the provider's Resolver).
//   - expect: values that must all be among the answers: addresses for A
//     and AAAA, names for CNAME and MX ("mail.example.com", the final dot
//     and case ignored), "target:port" for SRV, the text for TXT.
//   - min_count: the fewest answers accepted (default 1, at most 1000).
//   - max_duration: a lookup slower than this is Degraded (default 0, no
//     bound).
//
// A failed lookup (no such name, no records of the type, a server
// failure, a timeout), fewer answers than min_count or a missing expected
// value is Down; a slow lookup Degraded; otherwise Up. The context's
// deadline, which the engine sets from the component's timeout, bounds
// the lookup. Details hold name, type, server, answers (at most 20),
// answer_count and duration_ms.
type DNSProvider struct {
	// Resolver resolves names for components without server; nil means
	// net.DefaultResolver.
	Resolver *net.Resolver
	// Dialer reaches a component's server; nil means a zero net.Dialer.
	Dialer *net.Dialer
}

// Name returns "dns".
func (p *DNSProvider) Name() string { return ProviderDNS }

type dnsConfig struct {
	name     string
	rtype    string
	server   string
	expect   []string // normalized as the answers are
	minCount int64
	maxDur   time.Duration
}

func parseDNSConfig(cfg map[string]any) (dnsConfig, error) {
	r := confkit.NewReader(cfg)
	r.Only(dnsKeyName, dnsKeyType, dnsKeyServer, dnsKeyExpect, dnsKeyMinCount, dnsKeyMaxDuration)
	var dc dnsConfig
	dc.name = strings.TrimSpace(r.RequiredString(dnsKeyName, "the name to resolve"))
	if n := len(strings.TrimSuffix(dc.name, ".")); n > 253 || strings.ContainsAny(dc.name, " /:@") {
		r.Failf(dnsKeyName, "%q is not a DNS name", dc.name)
	}
	dc.rtype = strings.ToUpper(strings.TrimSpace(r.String(dnsKeyType, "A")))
	if !slices.Contains(strings.Fields(dnsTypes), dc.rtype) {
		r.Failf(dnsKeyType, "%q is not one of %s", dc.rtype, strings.Join(strings.Fields(dnsTypes), ", "))
	}
	if s := strings.TrimSpace(r.String(dnsKeyServer, "")); s != "" {
		if ip, err := netip.ParseAddr(s); err == nil {
			s = net.JoinHostPort(ip.String(), "53")
		}
		if err := validHostPort(s); err != nil {
			r.Failf(dnsKeyServer, "%v", err)
		}
		dc.server = s
	}
	expect := r.Strings(dnsKeyExpect)
	if len(expect) > dnsMaxExpect {
		r.Fail(dnsKeyExpect, confkit.Problem(confkit.ErrRange, "has %d values, at most %d", len(expect), dnsMaxExpect))
		expect = nil
	}
	for i, v := range expect {
		n, err := normalizeDNSValue(dc.rtype, v)
		if err != nil {
			r.Fail(confkit.JoinPath(dnsKeyExpect, fmt.Sprintf("[%d]", i)), err)
			continue
		}
		dc.expect = append(dc.expect, n)
	}
	dc.minCount = r.Int(dnsKeyMinCount, 1, 1, dnsMaxMinCount)
	dc.maxDur = r.Duration(dnsKeyMaxDuration, 0, 0, time.Hour)
	return dc, r.Err()
}

// normalizeDNSValue returns an expected value as answers are shown.
func normalizeDNSValue(rtype, v string) (string, error) {
	switch rtype {
	case "A", "AAAA":
		ip, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil || ip.Is4() != (rtype == "A") || ip.Zone() != "" {
			family := "IPv6"
			if rtype == "A" {
				family = "IPv4"
			}
			return "", confkit.Problem(confkit.ErrInvalid, "%q is not an %s address", v, family)
		}
		return ip.String(), nil
	case "SRV":
		host, port, err := net.SplitHostPort(strings.TrimSpace(v))
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 || host == "" {
			return "", confkit.Problem(confkit.ErrInvalid, `%q is not "target:port"`, v)
		}
		return net.JoinHostPort(dnsName(host), port), nil
	case "CNAME", "MX":
		return dnsName(v), nil
	}
	return v, nil
}

// dnsName lowercases a name and drops its final dot.
func dnsName(s string) string { return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), ".")) }

// ValidateConfig checks a component's config when it is added or updated.
// Every error names its key ("name: is required ...").
func (p *DNSProvider) ValidateConfig(c Component) error { return validateParsed(c, parseDNSConfig) }

// Check looks the name up once and judges the answers.
func (p *DNSProvider) Check(ctx context.Context, c Component) Result {
	dc, err := parseDNSConfig(c.Config)
	if err != nil {
		return invalidConfig(err)
	}
	server := dc.server
	if server == "" {
		server = "system"
	}
	details := map[string]any{"name": dc.name, "type": dc.rtype, "server": server}
	what := dc.rtype + " " + dc.name
	start := time.Now()
	answers, err := lookupDNS(ctx, p.resolver(dc.server), dc.rtype, dc.name)
	took := time.Since(start)
	details["duration_ms"] = float64(took.Microseconds()) / 1000
	if err != nil {
		msg := fmt.Sprintf("lookup %s: %v", what, dnsCause(err))
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
			msg = fmt.Sprintf("lookup %s: timed out after %s", what, since(start))
		}
		return Result{State: StateDown, Message: msg, Err: err, Details: details}
	}
	details["answer_count"] = len(answers)
	details["answers"] = answers[:min(len(answers), dnsMaxShown)]
	shown := strings.Join(answers[:min(len(answers), dnsMaxShown)], ", ")
	if len(answers) > dnsMaxShown {
		shown += ", ..."
	}
	if int64(len(answers)) < dc.minCount {
		msg := fmt.Sprintf("%s: %d answers (%s), want at least %d", what, len(answers), shown, dc.minCount)
		return Result{State: StateDown, Message: msg, Err: errors.New(msg), Details: details}
	}
	for _, want := range dc.expect {
		if !slices.Contains(answers, want) {
			msg := fmt.Sprintf("%s: %q is not among the answers (%s)", what, want, shown)
			return Result{State: StateDown, Message: msg, Err: errors.New(msg), Details: details}
		}
	}
	msg := fmt.Sprintf("%s: %s", what, shown)
	if dc.maxDur > 0 && took > dc.maxDur {
		slow := fmt.Sprintf("%s took %s, more than %s %s", what, took.Round(time.Millisecond), dnsKeyMaxDuration, dc.maxDur)
		return Result{State: StateDegraded, Message: slow, Err: errors.New(slow), Details: details}
	}
	return Result{State: StateUp, Message: msg, Details: details}
}

// resolver returns the resolver for a component: one that asks server,
// or the provider's.
func (p *DNSProvider) resolver(server string) *net.Resolver {
	if server == "" {
		if p.Resolver != nil {
			return p.Resolver
		}
		return net.DefaultResolver
	}
	d := p.Dialer
	if d == nil {
		d = &net.Dialer{}
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, server)
		if err != nil {
			return nil, err
		}
		// The resolver bounds an exchange by its own timeout (5s per
		// attempt), not by the check's context: close the connection when
		// the context ends, so a lookup given up leaves nothing behind.
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}}
}

// lookupDNS returns the answers, as normalizeDNSValue writes them.
func lookupDNS(ctx context.Context, r *net.Resolver, rtype, name string) ([]string, error) {
	var out []string
	switch rtype {
	case "A", "AAAA":
		network := "ip4"
		if rtype == "AAAA" {
			network = "ip6"
		}
		ips, err := r.LookupNetIP(ctx, network, name)
		for _, ip := range ips {
			out = append(out, ip.Unmap().String())
		}
		return out, err
	case "CNAME":
		cname, err := r.LookupCNAME(ctx, name)
		if err != nil {
			return nil, err
		}
		return []string{dnsName(cname)}, nil
	case "TXT":
		return r.LookupTXT(ctx, name)
	case "SRV":
		_, srvs, err := r.LookupSRV(ctx, "", "", name)
		for _, s := range srvs {
			out = append(out, net.JoinHostPort(dnsName(s.Target), strconv.Itoa(int(s.Port))))
		}
		return out, err
	case "MX":
		mxs, err := r.LookupMX(ctx, name)
		for _, m := range mxs {
			out = append(out, dnsName(m.Host))
		}
		return out, err
	}
	return nil, fmt.Errorf("record type %q is not supported", rtype)
}

// dnsCause shortens a *net.DNSError to its cause; the message names the
// lookup already.
func dnsCause(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		if de.IsNotFound {
			return "no such name, or no records of this type (" + de.Err + ")"
		}
		return de.Err
	}
	return err.Error()
}

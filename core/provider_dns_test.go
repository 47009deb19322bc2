package core_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
)

// dnsZone is what the test DNS server knows: records by name.
type dnsZone map[string][]dnsmessage.Resource

// rr is a record of name of type t.
func rr(name string, t dnsmessage.Type, body dnsmessage.ResourceBody) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(name), Type: t, Class: dnsmessage.ClassINET, TTL: 60},
		Body:   body,
	}
}

// answers returns the records of name of type t, following CNAMEs as a
// recursive server does.
func (z dnsZone) answers(name string, t dnsmessage.Type) []dnsmessage.Resource {
	var out []dnsmessage.Resource
	for _, r := range z[strings.ToLower(name)] {
		switch {
		case r.Header.Type == t:
			out = append(out, r)
		case r.Header.Type == dnsmessage.TypeCNAME:
			out = append(out, r)
			out = append(out, z.answers(r.Body.(*dnsmessage.CNAMEResource).CNAME.String(), t)...)
		}
	}
	return out
}

// dnsServer serves zone over UDP on 127.0.0.1 until the test ends: a name
// it does not know is NXDOMAIN, "servfail.vitals.test." fails and
// "silent.vitals.test." is never answered.
func dnsServer(t *testing.T, zone dnsZone) string {
	t.Helper()
	return testnet.ServeUDP(t, func(req []byte) []byte {
		var q dnsmessage.Message
		if err := q.Unpack(req); err != nil || len(q.Questions) != 1 {
			return nil
		}
		question := q.Questions[0]
		name := strings.ToLower(question.Name.String())
		if name == "silent.vitals.test." {
			return nil
		}
		resp := dnsmessage.Message{
			Header:    dnsmessage.Header{ID: q.ID, Response: true, Authoritative: true, RecursionDesired: q.RecursionDesired, RecursionAvailable: true},
			Questions: q.Questions,
		}
		switch _, known := zone[name]; {
		case name == "servfail.vitals.test.":
			resp.RCode = dnsmessage.RCodeServerFailure
		case !known:
			resp.RCode = dnsmessage.RCodeNameError
		default:
			resp.Answers = zone.answers(name, question.Type)
		}
		out, err := resp.Pack()
		if err != nil {
			t.Errorf("pack: %v", err)
			return nil
		}
		return out
	})
}

func testZone() dnsZone {
	a := func(b ...byte) *dnsmessage.AResource { return &dnsmessage.AResource{A: [4]byte(b)} }
	name := dnsmessage.MustNewName
	return dnsZone{
		"api.vitals.test.": {rr("api.vitals.test.", dnsmessage.TypeA, a(127, 0, 0, 10)), rr("api.vitals.test.", dnsmessage.TypeA, a(127, 0, 0, 11)),
			rr("api.vitals.test.", dnsmessage.TypeAAAA, &dnsmessage.AAAAResource{AAAA: [16]byte{15: 1}})},
		"www.vitals.test.": {rr("www.vitals.test.", dnsmessage.TypeCNAME, &dnsmessage.CNAMEResource{CNAME: name("API.vitals.test.")})},
		"vitals.test.": {
			rr("vitals.test.", dnsmessage.TypeTXT, &dnsmessage.TXTResource{TXT: []string{"v=spf1 -all"}}),
			rr("vitals.test.", dnsmessage.TypeTXT, &dnsmessage.TXTResource{TXT: []string{"site-verification=abc"}}),
			rr("vitals.test.", dnsmessage.TypeMX, &dnsmessage.MXResource{Pref: 10, MX: name("mx1.vitals.test.")}),
			rr("vitals.test.", dnsmessage.TypeMX, &dnsmessage.MXResource{Pref: 20, MX: name("mx2.vitals.test.")}),
		},
		"_pg._tcp.vitals.test.": {rr("_pg._tcp.vitals.test.", dnsmessage.TypeSRV, &dnsmessage.SRVResource{Priority: 1, Weight: 1, Port: 5432, Target: name("db.vitals.test.")})},
		"empty.vitals.test.":    {},
		"servfail.vitals.test.": {},
	}
}

func TestDNSProviderStates(t *testing.T) {
	t.Parallel()
	server := dnsServer(t, testZone())
	// extra: Details["answer_count"]; -1: absent.
	cases := []stateCase[int]{
		{name: "A", cfg: map[string]any{"name": "api.vitals.test."}, want: core.StateUp, msg: "A api.vitals.test.: 127.0.0.10, 127.0.0.11", extra: 2},
		{name: "A expected", cfg: map[string]any{"name": "api.vitals.test.", "expect": []any{"127.0.0.11", "127.0.0.10"}, "min_count": 2}, want: core.StateUp, extra: 2},
		{name: "A expected missing", cfg: map[string]any{"name": "api.vitals.test.", "expect": "127.0.0.12"}, want: core.StateDown, msg: `"127.0.0.12" is not among the answers (127.0.0.10, 127.0.0.11)`, extra: 2},
		{name: "too few", cfg: map[string]any{"name": "api.vitals.test.", "min_count": "3"}, want: core.StateDown, msg: "2 answers (127.0.0.10, 127.0.0.11), want at least 3", extra: 2},
		{name: "AAAA", cfg: map[string]any{"name": "api.vitals.test.", "type": "aaaa", "expect": []any{"::1"}}, want: core.StateUp, msg: "AAAA api.vitals.test.: ::1", extra: 1},
		{name: "CNAME", cfg: map[string]any{"name": "www.vitals.test.", "type": "CNAME", "expect": []any{"api.vitals.test"}}, want: core.StateUp, msg: "api.vitals.test", extra: 1},
		{name: "A through a CNAME", cfg: map[string]any{"name": "www.vitals.test.", "expect": []any{"127.0.0.10"}}, want: core.StateUp, extra: 2},
		{name: "TXT", cfg: map[string]any{"name": "vitals.test.", "type": "TXT", "expect": []any{"site-verification=abc"}}, want: core.StateUp, extra: 2},
		{name: "MX", cfg: map[string]any{"name": "vitals.test.", "type": "MX", "expect": []any{"MX2.vitals.test."}}, want: core.StateUp, msg: "mx1.vitals.test, mx2.vitals.test", extra: 2},
		{name: "SRV", cfg: map[string]any{"name": "_pg._tcp.vitals.test.", "type": "SRV", "expect": []any{"db.vitals.test:5432"}}, want: core.StateUp, msg: "db.vitals.test:5432", extra: 1},
		{name: "no such name", cfg: map[string]any{"name": "nope.vitals.test."}, want: core.StateDown, msg: "lookup A nope.vitals.test.: no such name", extra: -1},
		{name: "no records of the type", cfg: map[string]any{"name": "empty.vitals.test.", "type": "TXT"}, want: core.StateDown, msg: "no such name, or no records of this type", extra: -1},
		{name: "server failure", cfg: map[string]any{"name": "servfail.vitals.test."}, want: core.StateDown, msg: "lookup A servfail.vitals.test.: server misbehaving", extra: -1},
		{name: "silent server", cfg: map[string]any{"name": "silent.vitals.test."}, timeout: 300 * time.Millisecond, want: core.StateDown, msg: "timed out after", extra: -1},
		{name: "slow is degraded", cfg: map[string]any{"name": "api.vitals.test.", "max_duration": "1ns"}, want: core.StateDegraded, msg: "more than max_duration 1ns", extra: 2},
	}
	for _, tc := range cases {
		tc.cfg["server"] = server
	}
	checkStates(t, &core.DNSProvider{}, cases, func(t *testing.T, tc stateCase[int], res core.Result) {
		if n, ok := res.Details["answer_count"].(int); (tc.extra < 0 && ok) || (tc.extra >= 0 && n != tc.extra) {
			t.Errorf("answer_count = %v, want %d", res.Details["answer_count"], tc.extra)
		}
		if res.Details["server"] != server || res.Details["duration_ms"] == nil {
			t.Errorf("details = %v", res.Details)
		}
	})
}

// TestDNSProviderResolver checks a component without server: it uses the
// provider's resolver (here one that asks the test server).
func TestDNSProviderResolver(t *testing.T) {
	t.Parallel()
	server := dnsServer(t, testZone())
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
	p := &core.DNSProvider{Resolver: r}
	res := checkWithin(t, p, map[string]any{"name": "api.vitals.test.", "expect": "127.0.0.10"}, 5*time.Second)
	if res.State != core.StateUp || res.Details["server"] != "system" {
		t.Errorf("got %s %q %v", res.State, res.Message, res.Details)
	}
}

func TestDNSProviderValidateConfig(t *testing.T) {
	t.Parallel()
	wantConfigErrors(t, &core.DNSProvider{}, core.Component{Name: "dns", Provider: "dns"}, []configCase{
		{"minimal", map[string]any{"name": "api.vitals.test"}, nil},
		{"everything", map[string]any{"name": "_pg._tcp.vitals.test.", "type": "srv", "server": "127.0.0.1:5353",
			"expect": []any{"db.vitals.test:5432"}, "min_count": "1", "max_duration": "200ms"}, nil},
		{"server without port", map[string]any{"name": "a.test", "server": "127.0.0.1"}, nil},
		{"expect as text", map[string]any{"name": "a.test", "expect": "127.0.0.1,127.0.0.2"}, nil},
		{"missing name", map[string]any{}, []string{"name: is required"}},
		{"bad name", map[string]any{"name": "http://a.test/"}, []string{`name: "http://a.test/" is not a DNS name`}},
		{"bad type", map[string]any{"name": "a.test", "type": "PTR"}, []string{`type: "PTR" is not one of A, AAAA, CNAME, TXT, SRV, MX`}},
		{"bad server", map[string]any{"name": "a.test", "server": "dns.test"}, []string{`server: "dns.test" is not host:port`}},
		{"A expects IPv4", map[string]any{"name": "a.test", "expect": []any{"::1"}}, []string{`expect[0]: "::1" is not an IPv4 address`}},
		{"AAAA expects IPv6", map[string]any{"name": "a.test", "type": "AAAA", "expect": []any{"::1", "127.0.0.1"}}, []string{`expect[1]: "127.0.0.1" is not an IPv6 address`}},
		{"SRV expects target:port", map[string]any{"name": "a.test", "type": "SRV", "expect": []any{"db"}}, []string{`expect[0]: "db" is not "target:port"`}},
		{"min_count zero", map[string]any{"name": "a.test", "min_count": 0}, []string{"min_count: 0 is out of range [1, 1000]"}},
		{"max_duration text", map[string]any{"name": "a.test", "max_duration": "quick"}, []string{`max_duration: "quick" is not a duration`}},
		{"misspelt key", map[string]any{"name": "a.test", "expected": "x"}, []string{"expected: unknown key"}},
	})
}

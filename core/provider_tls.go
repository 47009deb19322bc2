package core

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// Config keys of the tls provider.
const (
	tlsKeyAddress    = "address"
	tlsKeyServerName = "server_name"
	tlsKeySkipVerify = "skip_verify"
	tlsKeyMinValid   = "min_valid"
)

// tlsDefaultMinValid is the tls provider's default min_valid: two weeks,
// time to renew by hand after the automation failed.
const tlsDefaultMinValid = 14 * 24 * time.Hour

// TLSProvider checks a TLS endpoint and its certificate: it connects,
// handshakes and judges the chain's expiry. Register it on an engine (its
// Name is "tls") and configure components with these Config keys:
//
//   - address (required): host:port to connect to.
//   - server_name: the name sent as SNI and verified against the
//     certificate (default: the host of address; an IP address is not
//     sent as SNI and is verified against the certificate's IP addresses).
//   - skip_verify: do not verify the chain and name (default false);
//     expiry is still judged.
//   - min_valid: a certificate of the chain expiring within this is
//     Degraded (default 336h, two weeks; 0s: not judged).
//
// A connection error, a failed handshake (an invalid, untrusted or
// expired chain, a wrong name) or an expired certificate is Down; a
// certificate expiring within min_valid is Degraded; otherwise Up. The
// context's deadline, which the engine sets from the component's timeout,
// bounds the connect and the handshake. Details hold address,
// server_name, verified, connect_ms, handshake_ms, version, cipher, and
// the leaf's subject, issuer, not_after and expires_in (chain_not_after
// when another certificate of the chain expires first).
type TLSProvider struct {
	// Dialer opens the connections; nil means a zero net.Dialer without TCP
	// keep-alive.
	Dialer *net.Dialer
	// RootCAs verifies chains; nil means the system's roots.
	RootCAs *x509.CertPool
}

// Name returns "tls".
func (p *TLSProvider) Name() string { return ProviderTLS }

type tlsCheckConfig struct {
	address    string
	serverName string
	skipVerify bool
	minValid   time.Duration
}

func parseTLSCheckConfig(cfg map[string]any) (tlsCheckConfig, error) {
	r := confkit.NewReader(cfg)
	r.Only(tlsKeyAddress, tlsKeyServerName, tlsKeySkipVerify, tlsKeyMinValid)
	var tc tlsCheckConfig
	tc.address, tc.serverName = readHostPort(r, tlsKeyAddress)
	if name := strings.TrimSpace(r.String(tlsKeyServerName, "")); name != "" {
		if strings.ContainsAny(name, " /:") {
			r.Failf(tlsKeyServerName, "%q is not a host name", name)
		}
		tc.serverName = name
	}
	tc.skipVerify = r.Bool(tlsKeySkipVerify, false)
	tc.minValid = r.Duration(tlsKeyMinValid, tlsDefaultMinValid, 0, maxMinValid)
	return tc, r.Err()
}

// ValidateConfig checks a component's config when it is added or updated.
// Every error names its key ("address: is required ...").
func (p *TLSProvider) ValidateConfig(c Component) error {
	return validateParsed(c, parseTLSCheckConfig)
}

// Check connects, handshakes and judges the certificates.
func (p *TLSProvider) Check(ctx context.Context, c Component) Result {
	tc, err := parseTLSCheckConfig(c.Config)
	if err != nil {
		return invalidConfig(err)
	}
	details := map[string]any{"address": tc.address, "server_name": tc.serverName, "verified": !tc.skipVerify}
	raw, down := dialTarget(ctx, p.Dialer, tc.address, details)
	if down != nil {
		return *down
	}
	conn := tls.Client(raw, &tls.Config{
		ServerName:         tc.serverName,
		RootCAs:            p.RootCAs,
		InsecureSkipVerify: tc.skipVerify, //nolint:gosec // opt-in per component: skip_verify
	})
	defer conn.Close()
	hs := time.Now()
	if err := conn.HandshakeContext(ctx); err != nil {
		msg := fmt.Sprintf("TLS handshake with %s: %v", tc.address, dialCause(err))
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
			msg = fmt.Sprintf("TLS handshake with %s: timed out after %s", tc.address, since(hs))
		}
		return Result{State: StateDown, Message: msg, Err: err, Details: details}
	}
	details["handshake_ms"] = float64(time.Since(hs).Microseconds()) / 1000
	cs := conn.ConnectionState()
	now := time.Now()
	for k, v := range tlsDetails(&cs, now) {
		details[k] = v
	}
	state, msg := judgeCertificates(&cs, tc.minValid, tlsKeyMinValid, now)
	if state != StateUp {
		return Result{State: state, Message: msg, Err: errors.New(msg), Details: details}
	}
	leaf := cs.PeerCertificates[0]
	return Result{State: StateUp, Details: details, Message: fmt.Sprintf("%s, certificate %q valid until %s",
		tls.VersionName(cs.Version), leaf.Subject.String(), leaf.NotAfter.UTC().Format(time.RFC3339))}
}

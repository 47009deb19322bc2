package core

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"
)

// tlsDetails describes a TLS connection for a check's details: protocol
// version, cipher suite, and the leaf certificate's subject, issuer and
// expiry.
func tlsDetails(cs *tls.ConnectionState, now time.Time) map[string]any {
	d := map[string]any{
		"version": tls.VersionName(cs.Version),
		"cipher":  tls.CipherSuiteName(cs.CipherSuite),
	}
	if len(cs.PeerCertificates) > 0 {
		leaf := cs.PeerCertificates[0]
		d["subject"] = leaf.Subject.String()
		d["issuer"] = leaf.Issuer.String()
		d["not_after"] = leaf.NotAfter.UTC().Format(time.RFC3339)
		d["expires_in"] = leaf.NotAfter.Sub(now).Round(time.Second).String()
	}
	if c := firstExpiring(cs); c != nil && len(cs.PeerCertificates) > 0 && c != cs.PeerCertificates[0] {
		d["chain_not_after"] = c.NotAfter.UTC().Format(time.RFC3339)
	}
	return d
}

// firstExpiring returns the certificate of the connection's chain that
// expires first: of the verified chain if there is one, else of the
// certificates the server sent.
func firstExpiring(cs *tls.ConnectionState) *x509.Certificate {
	var first *x509.Certificate
	for _, c := range chainOf(cs) {
		if first == nil || c.NotAfter.Before(first.NotAfter) {
			first = c
		}
	}
	return first
}

// chainOf returns the connection's verified chain if there is one, else
// the certificates the server sent.
func chainOf(cs *tls.ConnectionState) []*x509.Certificate {
	if len(cs.VerifiedChains) > 0 {
		return cs.VerifiedChains[0]
	}
	return cs.PeerCertificates
}

// judgeCertificates maps a connection's certificates to a state: Down
// when there is none, or one is expired or not yet valid (which a
// verifying client already refuses; this covers tls_skip_verify); Degraded
// when the first to expire does so within minValid (key names the
// setting in the message); Up otherwise, with an empty message.
func judgeCertificates(cs *tls.ConnectionState, minValid time.Duration, key string, now time.Time) (State, string) {
	if len(cs.PeerCertificates) == 0 {
		return StateDown, "the server sent no certificate"
	}
	for _, c := range chainOf(cs) {
		switch {
		case now.After(c.NotAfter):
			return StateDown, fmt.Sprintf("certificate %q expired at %s", c.Subject.String(), c.NotAfter.UTC().Format(time.RFC3339))
		case now.Before(c.NotBefore):
			return StateDown, fmt.Sprintf("certificate %q is not valid before %s", c.Subject.String(), c.NotBefore.UTC().Format(time.RFC3339))
		}
	}
	c := firstExpiring(cs)
	if left := c.NotAfter.Sub(now); minValid > 0 && left < minValid {
		return StateDegraded, fmt.Sprintf("certificate %q expires in %s (at %s), less than %s %s",
			c.Subject.String(), left.Round(time.Second), c.NotAfter.UTC().Format(time.RFC3339), key, minValid)
	}
	return StateUp, ""
}

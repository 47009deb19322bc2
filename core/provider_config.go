package core

import (
	"slices"
	"time"
)

// Typed configs of the built-in providers, so Go code need not spell a
// Component.Config map by hand:
//
//	e.Add(ctx, core.HTTPConfig{URL: "http://db:8080/healthz"}.Component("db"))
//
// Zero fields are left out of the map, so the provider's default applies.
// The provider still reads the map, so a typed config and a YAML one are
// checked by the same rules.

// HTTPConfig is the config of an "http" component (see HTTPProvider).
type HTTPConfig struct {
	// URL (url, required) is the absolute http or https URL to request.
	URL string
	// Method (method) of the request (default GET).
	Method string
	// Headers (headers) sent with the request; "Host" sets the host.
	Headers map[string]string
	// ExpectStatus (expect_status) is the set of codes that mean Up, as
	// "200-299,304" or "2xx" (default 200-399).
	ExpectStatus string
	// ExpectBody (expect_body) is a substring the body must contain.
	ExpectBody string
	// TLSSkipVerify (tls_skip_verify) does not verify the certificate.
	TLSSkipVerify bool
	// MaxBodyBytes (max_body_bytes) bounds how much of the body is read
	// (default 64 KiB).
	MaxBodyBytes int64
	// DegradedStatus (degraded_status) is the set of codes that mean
	// Degraded rather than Down, as "429" or "4xx" (default none).
	DegradedStatus string
	// DisableRedirects (follow_redirects: false) judges a 3xx answer itself
	// instead of following it. False (the zero value) follows redirects,
	// at most 10.
	DisableRedirects bool
	// FollowRedirects is the former spelling of !DisableRedirects, still
	// honoured when DisableRedirects is false: new(false) does not follow.
	//
	// Deprecated: use DisableRedirects. FollowRedirects goes away in the
	// next minor release.
	FollowRedirects *bool
	// ExpectJSON (expect_json) are conditions on the JSON body, as
	// `$.status.indicator == "none"`.
	ExpectJSON []string
	// MaxDuration (max_duration): a slower answer is Degraded (0: off).
	MaxDuration time.Duration
	// TLSMinValid (tls_min_valid): a certificate expiring sooner is
	// Degraded (0: off).
	TLSMinValid time.Duration
}

// Map returns the Component.Config c stands for.
func (c HTTPConfig) Map() map[string]any {
	m := map[string]any{}
	set(m, httpKeyURL, c.URL)
	set(m, httpKeyMethod, c.Method)
	if len(c.Headers) > 0 {
		h := make(map[string]any, len(c.Headers))
		for k, v := range c.Headers {
			h[k] = v
		}
		m[httpKeyHeaders] = h
	}
	set(m, httpKeyExpectStatus, c.ExpectStatus)
	set(m, httpKeyExpectBody, c.ExpectBody)
	if c.TLSSkipVerify {
		m[httpKeyTLSSkipVerify] = true
	}
	setInt(m, httpKeyMaxBodyBytes, c.MaxBodyBytes)
	set(m, httpKeyDegradedStatus, c.DegradedStatus)
	switch {
	case c.DisableRedirects:
		m[httpKeyFollowRedirects] = false
	case c.FollowRedirects != nil:
		m[httpKeyFollowRedirects] = *c.FollowRedirects
	}
	if len(c.ExpectJSON) > 0 {
		conds := make([]any, len(c.ExpectJSON))
		for i, e := range c.ExpectJSON {
			conds[i] = e
		}
		m[httpKeyExpectJSON] = conds
	}
	setDuration(m, httpKeyMaxDuration, c.MaxDuration)
	setDuration(m, httpKeyTLSMinValid, c.TLSMinValid)
	return m
}

// Component returns a component named name of the http provider with
// config c; its other fields are zero (the engine's defaults).
func (c HTTPConfig) Component(name string) Component {
	return Component{Name: name, Provider: "http", Config: c.Map()}
}

// TCPConfig is the config of a "tcp" component (see TCPProvider).
type TCPConfig struct {
	// Address (address, required) is the host:port to connect to.
	Address string
	// Send (send) is written after connecting.
	Send string
	// Expect (expect) must then be read.
	Expect string
	// MaxReadBytes (max_read_bytes) bounds how much is read while waiting
	// for Expect (default 4096).
	MaxReadBytes int64
}

// Map returns the Component.Config c stands for.
func (c TCPConfig) Map() map[string]any {
	m := map[string]any{}
	set(m, tcpKeyAddress, c.Address)
	set(m, tcpKeySend, c.Send)
	set(m, tcpKeyExpect, c.Expect)
	setInt(m, tcpKeyMaxReadBytes, c.MaxReadBytes)
	return m
}

// Component returns a component named name of the tcp provider with
// config c.
func (c TCPConfig) Component(name string) Component {
	return Component{Name: name, Provider: "tcp", Config: c.Map()}
}

// JobsConfig is the config of a "jobs" component (see JobsProvider).
type JobsConfig struct {
	// Checker (checker) names the registered jobs checker (default: the
	// component's name).
	Checker string
	// MaxDelayed (max_delayed), when set, is the most delayed jobs a
	// pipeline may have before the check is Degraded (nil: no threshold;
	// new(int64(0)) allows none).
	MaxDelayed *int64
	// MaxActive (max_active), when set, is the most active jobs (nil: no
	// threshold).
	MaxActive *int64
}

// Map returns the Component.Config c stands for.
func (c JobsConfig) Map() map[string]any {
	m := map[string]any{}
	set(m, jobsKeyChecker, c.Checker)
	if c.MaxDelayed != nil {
		m[jobsKeyMaxDelayed] = *c.MaxDelayed
	}
	if c.MaxActive != nil {
		m[jobsKeyMaxActive] = *c.MaxActive
	}
	return m
}

// Component returns a component named name of the jobs provider with
// config c.
func (c JobsConfig) Component(name string) Component {
	return Component{Name: name, Provider: "jobs", Config: c.Map()}
}

// TLSCheckConfig is the config of a "tls" component (see TLSProvider).
type TLSCheckConfig struct {
	// Address (address, required) is the host:port to handshake with.
	Address string
	// ServerName (server_name) is sent as SNI and verified (default: the
	// host of Address).
	ServerName string
	// SkipVerify (skip_verify) does not verify the chain and name.
	SkipVerify bool
	// MinValid (min_valid): a certificate expiring sooner is Degraded
	// (0: the default, 336h; DisableMinValid turns it off).
	MinValid time.Duration
	// DisableMinValid (min_valid: 0s) never reports Degraded for a
	// certificate close to its expiry; an expired one is still Down. False
	// (the zero value) keeps MinValid.
	DisableMinValid bool
}

// Map returns the Component.Config c stands for.
func (c TLSCheckConfig) Map() map[string]any {
	m := map[string]any{}
	set(m, tlsKeyAddress, c.Address)
	set(m, tlsKeyServerName, c.ServerName)
	if c.SkipVerify {
		m[tlsKeySkipVerify] = true
	}
	if c.DisableMinValid {
		m[tlsKeyMinValid] = "0s"
	} else {
		setDuration(m, tlsKeyMinValid, c.MinValid)
	}
	return m
}

// Component returns a component named name of the tls provider with
// config c.
func (c TLSCheckConfig) Component(name string) Component {
	return Component{Name: name, Provider: "tls", Config: c.Map()}
}

// DNSConfig is the config of a "dns" component (see DNSProvider).
type DNSConfig struct {
	// Name (name, required) is the name to resolve.
	Name string
	// Type (type) is A (default), AAAA, CNAME, TXT, SRV or MX.
	Type string
	// Server (server) is the host:port of the DNS server to ask (default:
	// the system resolver).
	Server string
	// Expect (expect) are values that must all be among the answers.
	Expect []string
	// MinCount (min_count) is the fewest answers accepted (default 1).
	MinCount int64
	// MaxDuration (max_duration): a slower lookup is Degraded (0: off).
	MaxDuration time.Duration
}

// Map returns the Component.Config c stands for.
func (c DNSConfig) Map() map[string]any {
	m := map[string]any{}
	set(m, dnsKeyName, c.Name)
	set(m, dnsKeyType, c.Type)
	set(m, dnsKeyServer, c.Server)
	if len(c.Expect) > 0 {
		m[dnsKeyExpect] = slices.Clone(c.Expect)
	}
	setInt(m, dnsKeyMinCount, c.MinCount)
	setDuration(m, dnsKeyMaxDuration, c.MaxDuration)
	return m
}

// Component returns a component named name of the dns provider with
// config c.
func (c DNSConfig) Component(name string) Component {
	return Component{Name: name, Provider: "dns", Config: c.Map()}
}

func setDuration(m map[string]any, key string, v time.Duration) {
	if v != 0 {
		m[key] = v.String()
	}
}

func set(m map[string]any, key, v string) {
	if v != "" {
		m[key] = v
	}
}

func setInt(m map[string]any, key string, v int64) {
	if v != 0 {
		m[key] = v
	}
}

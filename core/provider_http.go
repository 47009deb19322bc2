package core

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// Config keys of the http provider.
const (
	httpKeyURL           = "url"
	httpKeyMethod        = "method"
	httpKeyHeaders       = "headers"
	httpKeyExpectStatus  = "expect_status"
	httpKeyExpectBody    = "expect_body"
	httpKeyTLSSkipVerify = "tls_skip_verify"
	httpKeyMaxBodyBytes  = "max_body_bytes"
	// Added by issue 17.
	httpKeyDegradedStatus  = "degraded_status"
	httpKeyFollowRedirects = "follow_redirects"
	httpKeyExpectJSON      = "expect_json"
	httpKeyMaxDuration     = "max_duration"
	httpKeyTLSMinValid     = "tls_min_valid"
)

const (
	// httpDefaultMaxBody bounds how much of a response body is read.
	httpDefaultMaxBody = 64 << 10
	// httpMaxMaxBody is the largest max_body_bytes accepted.
	httpMaxMaxBody = 64 << 20
	// httpUserAgent is sent unless the component's headers set one.
	httpUserAgent = "vitals-health-check/1"
	// httpMaxMaxDuration bounds max_duration.
	httpMaxMaxDuration = time.Hour
	// maxMinValid bounds tls_min_valid (and the tls provider's min_valid).
	maxMinValid = 10 * 365 * 24 * time.Hour
)

// HTTPProvider checks components over HTTP(S). Register it on an engine
// (its Name is "http") and configure components with these Config keys:
//
//   - url (required): absolute http or https URL.
//   - method: request method (default GET).
//   - headers: map of header names to values; "Host" sets the request's host.
//   - expect_status: the status codes that mean Up: one code (204), a list
//     ([200, 204]) or a string of codes and ranges ("200-299",
//     "200,204,300-399", "2xx"). Default 200-399, as a kubelet probe.
//   - degraded_status: statuses (same syntax) that mean Degraded rather
//     than Down, as 429 or "4xx"; default none. expect_status wins where
//     both hold, so "100-599" makes every other answer Degraded.
//   - follow_redirects: follow redirects, at most 10 (default true); false
//     judges a 3xx itself.
//   - expect_body: a substring the body must contain.
//   - expect_json: conditions on the JSON body, all of which must hold:
//     a list of "PATH OP VALUE" strings or {path, op, value} maps. PATH is
//     "$" then .key, [index] or ["key"] steps; OP is one of == != < <= >
//     >= contains matches exists (matches: an RE2 expression); VALUE is
//     JSON ("none" or a bare word is a string). At most 32.
//   - max_duration: an answer slower than this (until the body is read)
//     is Degraded; default 0, no bound.
//   - tls_min_valid: for https, a certificate of the chain expiring
//     within this is Degraded, and an expired one Down even with
//     tls_skip_verify; default 0, not judged.
//   - tls_skip_verify: do not verify the server's certificate (default false).
//   - max_body_bytes: how much of the body is read at most (default 64 KiB);
//     expect_body and expect_json see that much.
//
// The configuration is checked by ValidateConfig when the component is
// added, so a missing or invalid url fails registration, not the check.
//
// An expected status (and body) is Up. A status in degraded_status, a slow
// answer or a certificate close to its expiry is Degraded. Any other
// status, a body without expect_body, a failing expect_json condition (or
// a body that is not JSON), a connection error, a timeout or an error
// while reading the body is Down, as for a kubelet probe or HAProxy's
// httpchk. The check's deadline is the context's, which the engine sets
// from the component's timeout. Details hold status_code, method, url
// (password redacted), final_url after redirects, body_bytes,
// body_truncated, duration_ms and, over TLS, tls (version, cipher,
// subject, issuer, not_after, expires_in).
//
// The zero value is ready to use. With a nil Client the provider builds its
// own clients, one per provider: no proxy, and no keep-alive, so each check
// opens a new connection as a new client would, as kubelet probes do.
// HTTPProvider must not be copied after first use.
type HTTPProvider struct {
	// Client sends the requests; nil means a client of the provider's own
	// (see above). Components with tls_skip_verify use a copy of it with a
	// clone of its transport, which must then be nil or an *http.Transport.
	Client *http.Client

	once     sync.Once
	verify   *http.Client      // certificates verified
	insecure *http.Client      // tls_skip_verify; nil if it cannot be built
	whyNot   error             // why insecure is nil
	owned    []*http.Transport // transports the provider built and closes
}

// Name returns "http".
func (p *HTTPProvider) Name() string { return ProviderHTTP }

// httpConfig is a parsed http component config.
type httpConfig struct {
	url        *url.URL
	method     string
	header     http.Header
	host       string
	expect     confkit.StatusSet
	expectBody string
	skipVerify bool
	maxBody    int64
	degraded   confkit.StatusSet
	follow     bool
	expectJSON []jsonCondition
	maxDur     time.Duration
	minValid   time.Duration
}

func parseHTTPConfig(cfg map[string]any) (httpConfig, error) {
	r := confkit.NewReader(cfg)
	r.Only(httpKeyURL, httpKeyMethod, httpKeyHeaders, httpKeyExpectStatus,
		httpKeyExpectBody, httpKeyTLSSkipVerify, httpKeyMaxBodyBytes,
		httpKeyDegradedStatus, httpKeyFollowRedirects, httpKeyExpectJSON,
		httpKeyMaxDuration, httpKeyTLSMinValid)
	var hc httpConfig
	raw := r.RequiredString(httpKeyURL, "the absolute http or https URL to request")
	if raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			r.Failf(httpKeyURL, "%q is not a valid URL: %v", raw, err)
		case u.Scheme != "http" && u.Scheme != "https":
			r.Failf(httpKeyURL, "%q must be an absolute http or https URL", u.Redacted())
		case u.Host == "":
			r.Failf(httpKeyURL, "%q has no host", u.Redacted())
		default:
			hc.url = u
		}
	}
	hc.method = strings.ToUpper(strings.TrimSpace(r.String(httpKeyMethod, http.MethodGet)))
	if !confkit.IsToken(hc.method) {
		r.Fail(httpKeyMethod, confkit.Problem(confkit.ErrInvalid, "%q is not a valid HTTP method", hc.method))
	}
	hc.header = http.Header{}
	for name, value := range r.StringMap(httpKeyHeaders) {
		switch err := confkit.CheckHeader(name, value); {
		case err != nil:
			r.Fail(httpKeyHeaders+"."+name, err)
		case strings.EqualFold(name, "Host"):
			hc.host = value
		default:
			hc.header.Add(name, value)
		}
	}
	if hc.header.Get("User-Agent") == "" {
		hc.header.Set("User-Agent", httpUserAgent)
	}
	hc.expect = r.StatusSet(httpKeyExpectStatus, httpDefaultStatus())
	hc.expectBody = r.String(httpKeyExpectBody, "")
	hc.skipVerify = r.Bool(httpKeyTLSSkipVerify, false)
	hc.maxBody = r.Int(httpKeyMaxBodyBytes, httpDefaultMaxBody, 1, httpMaxMaxBody)
	if n := int64(len(hc.expectBody)); n > hc.maxBody {
		r.Failf(httpKeyExpectBody, "is %d bytes, longer than max_body_bytes (%d)", n, hc.maxBody)
	}
	hc.degraded = r.StatusSet(httpKeyDegradedStatus, nil)
	hc.follow = r.Bool(httpKeyFollowRedirects, true)
	hc.expectJSON = parseJSONConditions(r, httpKeyExpectJSON)
	hc.maxDur = r.Duration(httpKeyMaxDuration, 0, 0, httpMaxMaxDuration)
	hc.minValid = r.Duration(httpKeyTLSMinValid, 0, 0, maxMinValid)
	if hc.minValid > 0 && hc.url != nil && hc.url.Scheme != "https" {
		r.Failf(httpKeyTLSMinValid, "needs an https url, not %q", hc.url.Redacted())
	}
	return hc, r.Err()
}

// ValidateConfig checks a component's config when it is added or updated.
// Every problem is a *confkit.FieldError naming its key ("url: is
// required ...").
func (p *HTTPProvider) ValidateConfig(c Component) error {
	hc, err := parseHTTPConfig(c.Config)
	if err != nil {
		return err
	}
	if hc.skipVerify {
		if _, err := p.client(true); err != nil {
			return &confkit.FieldError{Path: httpKeyTLSSkipVerify, Err: err}
		}
	}
	return nil
}

// Check sends the request once and maps the answer to a state.
func (p *HTTPProvider) Check(ctx context.Context, c Component) Result {
	hc, err := parseHTTPConfig(c.Config)
	if err != nil {
		return invalidConfig(err)
	}
	client, err := p.client(hc.skipVerify)
	if err != nil {
		return invalidConfig(err)
	}
	target := hc.url.Redacted()
	details := map[string]any{"method": hc.method, "url": target}
	req, err := http.NewRequestWithContext(ctx, hc.method, hc.url.String(), nil)
	if err != nil {
		return Result{State: StateUnknown, Message: err.Error(), Err: err, Details: details}
	}
	req.Header = hc.header.Clone()
	if hc.host != "" {
		req.Host = hc.host
	}
	if !hc.follow {
		c := *client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		client = &c
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return Result{State: StateDown, Message: describeRequestError(ctx, hc.method, target, start, err), Err: err, Details: details}
	}
	defer resp.Body.Close()
	body, truncated, readErr := readAtMost(resp.Body, hc.maxBody)
	took := time.Since(start)
	details["status_code"] = resp.StatusCode
	details["body_bytes"] = len(body)
	details["body_truncated"] = truncated
	details["duration_ms"] = float64(took.Microseconds()) / 1000
	if resp.Request != nil && resp.Request.URL != nil && resp.Request.URL.String() != hc.url.String() {
		details["final_url"] = resp.Request.URL.Redacted()
	}
	if resp.TLS != nil {
		details["tls"] = tlsDetails(resp.TLS, time.Now())
	}
	status := resp.Status
	if status == "" {
		status = strconv.Itoa(resp.StatusCode)
	}
	if readErr != nil {
		msg := fmt.Sprintf("HTTP %s: reading the body: %v", status, readErr)
		if ctx.Err() != nil || isTimeout(readErr) {
			msg = fmt.Sprintf("HTTP %s: timed out reading the body after %s", status, since(start))
		}
		return Result{State: StateDown, Message: msg, Err: readErr, Details: details}
	}
	res := hc.judge(resp, status, body, truncated, took)
	res.Details = details
	return res
}

// Close closes the idle connections of the transports the provider built.
// The provider stays usable.
func (p *HTTPProvider) Close(context.Context) error {
	for _, t := range p.transports() {
		t.CloseIdleConnections()
	}
	return nil
}

func (p *HTTPProvider) transports() []*http.Transport {
	p.once.Do(p.init)
	return p.owned
}

// client returns the client for a component.
func (p *HTTPProvider) client(skipVerify bool) (*http.Client, error) {
	p.once.Do(p.init)
	if !skipVerify {
		return p.verify, nil
	}
	if p.insecure == nil {
		return nil, p.whyNot
	}
	return p.insecure, nil
}

func (p *HTTPProvider) init() {
	if p.Client == nil {
		v, i := newCheckTransport(false), newCheckTransport(true)
		p.owned = []*http.Transport{v, i}
		p.verify = &http.Client{Transport: v}
		p.insecure = &http.Client{Transport: i}
		return
	}
	p.verify = p.Client
	var base *http.Transport
	switch t := p.Client.Transport.(type) {
	case nil:
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			base = dt
		}
	case *http.Transport:
		base = t
	}
	if base == nil {
		p.whyNot = fmt.Errorf("the provider's client has a %T transport, which cannot be cloned to skip verification", p.Client.Transport)
		return
	}
	t := base.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // opt-in per component: tls_skip_verify
	p.owned = []*http.Transport{t}
	c := *p.Client
	c.Transport = t
	p.insecure = &c
}

// newCheckTransport returns a transport for health checks: no proxy, no
// keep-alive (a check sees what a new client sees and leaves no idle
// connection behind), timeouts from the request's context.
func newCheckTransport(skipVerify bool) *http.Transport {
	d := &net.Dialer{KeepAlive: -1}
	return &http.Transport{
		DialContext:            d.DialContext,
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: skipVerify}, //nolint:gosec // opt-in per component: tls_skip_verify
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 1 << 20,
	}
}

// readAtMost reads up to limit bytes of r and reports whether there was more.
func readAtMost(r io.Reader, limit int64) ([]byte, bool, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(body)) > limit {
		return body[:limit], true, nil
	}
	return body, false, err
}

// describeRequestError turns a client error into a short message.
func describeRequestError(ctx context.Context, method, target string, start time.Time, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Sprintf("%s %s: timed out after %s", method, target, since(start))
	}
	if ctx.Err() != nil {
		return fmt.Sprintf("%s %s: canceled", method, target)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Sprintf("%s %s: %v", method, target, dialCause(err))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

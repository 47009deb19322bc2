package core

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// judge maps a response whose body was read to a state: the first reason
// to be Down wins; otherwise every reason to be Degraded is in the
// message; otherwise Up.
func (hc httpConfig) judge(resp *http.Response, status string, body []byte, truncated bool, took time.Duration) Result {
	down := func(msg string, err error) Result { return Result{State: StateDown, Message: msg, Err: err} }
	if !hc.expect.Contains(resp.StatusCode) {
		if hc.degraded.Contains(resp.StatusCode) {
			return Result{
				State:   StateDegraded,
				Message: fmt.Sprintf("HTTP %s, want %s (%s: %s)", status, hc.expect, httpKeyDegradedStatus, hc.degraded),
				Err:     fmt.Errorf("status %d is in %s", resp.StatusCode, httpKeyDegradedStatus),
			}
		}
		return down(fmt.Sprintf("HTTP %s, want %s", status, hc.expect), fmt.Errorf("unexpected status %d", resp.StatusCode))
	}
	where := ""
	if truncated {
		where = fmt.Sprintf(" in its first %d bytes", len(body))
	}
	if hc.expectBody != "" && !bytes.Contains(body, []byte(hc.expectBody)) {
		return down(fmt.Sprintf("HTTP %s, but the body does not contain %q%s", status, hc.expectBody, where),
			errors.New("expected body not found"))
	}
	if len(hc.expectJSON) > 0 {
		doc, err := decodeJSONBody(body)
		if err != nil {
			hint := ""
			if truncated {
				hint = fmt.Sprintf(" (read only its first %d bytes: raise %s)", len(body), httpKeyMaxBodyBytes)
			}
			return down(fmt.Sprintf("HTTP %s, but the body is not JSON: %v%s", status, err, hint), err)
		}
		if msg := firstFailing(hc.expectJSON, doc); msg != "" {
			return down(fmt.Sprintf("HTTP %s, but %s", status, msg), errors.New("expect_json condition failed"))
		}
	}
	var degraded []string
	if hc.minValid > 0 {
		if resp.TLS == nil {
			return down(fmt.Sprintf("HTTP %s over plain HTTP (after a redirect?): %s needs TLS", status, httpKeyTLSMinValid),
				errors.New("no TLS connection"))
		}
		switch state, msg := judgeCertificates(resp.TLS, hc.minValid, httpKeyTLSMinValid, time.Now()); state {
		case StateDown:
			return down(fmt.Sprintf("HTTP %s, but %s", status, msg), errors.New(msg))
		case StateDegraded:
			degraded = append(degraded, msg)
		}
	}
	if hc.maxDur > 0 && took > hc.maxDur {
		degraded = append(degraded, fmt.Sprintf("took %s, more than %s %s", took.Round(time.Millisecond), httpKeyMaxDuration, hc.maxDur))
	}
	if len(degraded) > 0 {
		msg := strings.Join(degraded, "; ")
		return Result{State: StateDegraded, Message: fmt.Sprintf("HTTP %s, but %s", status, msg), Err: errors.New(msg)}
	}
	return Result{State: StateUp, Message: "HTTP " + status}
}

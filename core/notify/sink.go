package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// sink is one webhook: its queue and what its worker needs.
type sink struct {
	hook  Webhook
	name  string // "webhooks[0] (host)": never the full URL, which may hold a secret
	queue chan Payload

	dropMu      sync.Mutex
	dropLogged  time.Time
	dropsUnlogd int
}

func newSink(i int, w Webhook, size int) *sink {
	host := "?"
	if u, err := url.Parse(w.URL); err == nil {
		host = u.Host
	}
	return &sink{hook: w, name: fmt.Sprintf("webhooks[%d] (%s)", i, host), queue: make(chan Payload, size)}
}

// logDrop logs a dropped notification, at most once a second per webhook.
func (s *sink) logDrop(log *slog.Logger, p Payload) {
	s.dropMu.Lock()
	defer s.dropMu.Unlock()
	s.dropsUnlogd++
	if time.Since(s.dropLogged) < time.Second {
		return
	}
	log.Warn("vitals notify queue full, notifications dropped", "webhook", s.name,
		"dropped", s.dropsUnlogd, "component", p.Component, "to", p.To.String())
	s.dropLogged, s.dropsUnlogd = time.Now(), 0
}

// work delivers s's queue until Stop closes it; once Stop gives up it
// drops what is left.
func (n *Notifier) work(s *sink) {
	defer n.workers.Done()
	for p := range s.queue {
		if n.abort.Err() != nil {
			n.dropped.Add(1)
			continue
		}
		n.deliver(s, p)
	}
}

// deliver posts p to s, retrying with backoff.
func (n *Notifier) deliver(s *sink, p Payload) {
	body, err := p.encode(s.hook.Format)
	if err != nil {
		n.failed.Add(1)
		n.log.Error("vitals notify cannot encode payload", "webhook", s.name, "error", err)
		return
	}
	for attempt := 0; ; attempt++ {
		err := n.post(s, body)
		if err == nil {
			n.sent.Add(1)
			n.log.Debug("vitals notify sent", "webhook", s.name, "component", p.Component, "to", p.To.String(), "attempts", attempt+1)
			return
		}
		if !retryable(err) || attempt >= s.hook.MaxRetries || n.abort.Err() != nil {
			n.failed.Add(1)
			n.log.Warn("vitals notify failed", "webhook", s.name, "component", p.Component, "to", p.To.String(), "attempts", attempt+1, "error", err)
			return
		}
		wait := n.cfg.backoff(attempt + 1)
		n.log.Debug("vitals notify retry", "webhook", s.name, "attempt", attempt+1, "backoff", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-n.abort.Done():
			t.Stop()
		}
	}
}

// statusError is a response outside 2xx.
type statusError struct{ code int }

// Error returns "HTTP code".
func (e statusError) Error() string { return fmt.Sprintf("HTTP %d", e.code) }

// retryable reports whether another attempt may succeed: network errors
// and timeouts, 5xx, 408 and 429.
func retryable(err error) bool {
	var se statusError
	if errors.As(err, &se) {
		return se.code >= 500 || se.code == http.StatusRequestTimeout || se.code == http.StatusTooManyRequests
	}
	return true
}

// post makes one attempt under the webhook's timeout.
func (n *Notifier) post(s *sink, body []byte) error {
	ctx, cancel := context.WithTimeout(n.abort, s.hook.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.hook.URL, bytes.NewReader(body))
	if err != nil {
		return redact(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vitals-notify")
	for k, v := range s.hook.Headers {
		req.Header.Set(k, v)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return redact(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError{resp.StatusCode}
	}
	return nil
}

// redact drops the URL, which may hold a secret, from a client error.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

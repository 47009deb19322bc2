package notify

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/internal/backoff"
)

// Defaults applied to zero fields of Config and Webhook.
const (
	DefaultQueueSize  = 100
	DefaultTimeout    = 5 * time.Second
	DefaultMaxRetries = 3
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = 30 * time.Second
)

// Payload formats of a webhook.
const (
	// FormatJSON posts the Payload as a JSON object (the default).
	FormatJSON = "json"
	// FormatSlack posts {"text": "..."}, which Slack incoming webhooks and
	// the many services compatible with them accept.
	FormatSlack = "slack"
)

// Config configures a Notifier: the health.notify.* keys. Zero values mean
// the defaults; a Config without webhooks notifies nothing.
type Config struct {
	// Webhooks (health.notify.webhooks) receive every state change.
	Webhooks []Webhook `koanf:"webhooks"`
	// QueueSize (health.notify.queue_size) bounds the notifications waiting
	// for each webhook (default DefaultQueueSize); more are dropped.
	QueueSize int `koanf:"queue_size"`
	// Backoff (health.notify.backoff) before the first retry (default
	// DefaultBackoff), doubled at each further retry.
	Backoff time.Duration `koanf:"backoff"`
	// MaxBackoff (health.notify.max_backoff) caps the backoff (default
	// DefaultMaxBackoff).
	MaxBackoff time.Duration `koanf:"max_backoff"`
	// ServiceID, when set, is sent in every payload. It is not a config key
	// of its own: the host fills it (fxmodule from health.service.id).
	ServiceID string `koanf:"-"`
	// Client sends the requests (default: a client of the Notifier's own,
	// whose idle connections Stop closes).
	Client *http.Client `koanf:"-"`
}

// Webhook is one receiver of notifications.
type Webhook struct {
	// URL (url) to POST to: http or https. It may hold a secret (Slack
	// puts one in the path), so logs show only its host.
	URL string `koanf:"url"`
	// Format (format) of the body: FormatJSON (default) or FormatSlack.
	Format string `koanf:"format"`
	// Headers (headers) added to every request, e.g. Authorization.
	Headers map[string]string `koanf:"headers"`
	// Timeout (timeout) of one attempt (default DefaultTimeout).
	Timeout time.Duration `koanf:"timeout"`
	// MaxRetries (max_retries) after a failed attempt (default
	// DefaultMaxRetries; -1 for none). Network errors, timeouts, 5xx, 408
	// and 429 are retried; any other status fails at once.
	MaxRetries int `koanf:"max_retries"`
}

// Validate reports every problem with the configuration, each as a
// *confkit.FieldError whose path is the key below health.notify
// ("webhooks[1].url"), joined with errors.Join.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, confkit.Errorf(field, format, args...))
	}
	if c.QueueSize < 0 {
		bad("queue_size", "%d must not be negative", c.QueueSize)
	}
	if c.Backoff < 0 {
		bad("backoff", "%s must not be negative", c.Backoff)
	}
	if c.MaxBackoff < 0 {
		bad("max_backoff", "%s must not be negative", c.MaxBackoff)
	}
	if c.Backoff > 0 && c.MaxBackoff > 0 && c.MaxBackoff < c.Backoff {
		bad("max_backoff", "%s is less than backoff %s", c.MaxBackoff, c.Backoff)
	}
	for i, w := range c.Webhooks {
		errs = append(errs, w.validate(fmt.Sprintf("webhooks[%d]", i))...)
	}
	return errors.Join(errs...)
}

func (w Webhook) validate(key string) []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, confkit.Errorf(key+"."+field, format, args...))
	}
	if w.URL == "" {
		bad("url", "is required")
	} else if u, err := url.Parse(w.URL); err != nil {
		bad("url", "is not a URL")
	} else if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("url", "must be an http or https URL with a host")
	}
	switch strings.ToLower(w.Format) {
	case "", FormatJSON, FormatSlack:
	default:
		bad("format", "%q is not one of json, slack", w.Format)
	}
	for _, name := range slices.Sorted(maps.Keys(w.Headers)) {
		if err := confkit.CheckHeader(name, w.Headers[name]); err != nil {
			errs = append(errs, &confkit.FieldError{Path: key + ".headers", Err: err})
		}
	}
	if w.Timeout < 0 {
		bad("timeout", "%s must not be negative", w.Timeout)
	}
	if w.MaxRetries < -1 {
		bad("max_retries", "%d must be -1 (no retries) or more", w.MaxRetries)
	}
	return errs
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Backoff == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.Backoff)
	}
	hooks := make([]Webhook, len(c.Webhooks))
	for i, w := range c.Webhooks {
		w.Format = strings.ToLower(w.Format)
		if w.Format == "" {
			w.Format = FormatJSON
		}
		if w.Timeout == 0 {
			w.Timeout = DefaultTimeout
		}
		switch w.MaxRetries {
		case 0:
			w.MaxRetries = DefaultMaxRetries
		case -1:
			w.MaxRetries = 0
		}
		hooks[i] = w
	}
	c.Webhooks = hooks
	return c
}

// backoff is the wait before retry number attempt (1-based).
func (c Config) backoff(attempt int) time.Duration {
	return backoff.Exponential(c.Backoff, c.MaxBackoff, attempt)
}

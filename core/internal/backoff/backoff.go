// Package backoff holds the retry waits shared by the engine's startup
// retries (core.WithStartupRetry) and the notifier's webhook retries
// (core/notify). It imports the standard library only.
package backoff

import "time"

// Exponential is the wait before retry number attempt (1-based): initial,
// doubled for each retry after the first, and never more than max.
func Exponential(initial, max time.Duration, attempt int) time.Duration {
	b := initial
	for i := 1; i < attempt && b < max; i++ {
		b *= 2
	}
	return min(b, max)
}

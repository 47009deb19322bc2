package lameduck

import (
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned by Run when the runner has already been shut down.
var ErrClosed = errors.New("lameduck: runner is shut down")

// LameDuckError is the error of a lame-duck sequence whose graceful
// shutdown did not succeed.
//
//nolint:revive // The name is the one users of lame-duck packages know.
type LameDuckError struct {
	// Expired reports that the drain timeout (or the caller's deadline)
	// passed before in-flight requests finished, and that the server was
	// then closed hard. Err is then what Close returned (often nil).
	Expired bool
	// After is how long the drain lasted before it expired or failed.
	After time.Duration
	// Err is Close's error when Expired, else Shutdown's error.
	Err error
}

// Error says whether the drain expired (connections closed hard) or the
// shutdown failed, after how long, and why.
func (e *LameDuckError) Error() string {
	if e.Expired {
		msg := fmt.Sprintf("lameduck: drain expired after %s, connections closed hard", e.After.Round(time.Millisecond))
		if e.Err != nil {
			msg += ": close: " + e.Err.Error()
		}
		return msg
	}
	return fmt.Sprintf("lameduck: shutdown failed after %s: %v", e.After.Round(time.Millisecond), e.Err)
}

// Unwrap returns Err.
func (e *LameDuckError) Unwrap() error { return e.Err }

package backoff

import (
	"testing"
	"time"
)

func TestExponential(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		initial, max time.Duration
		attempt      int
		want         time.Duration
	}{
		{s, 10 * s, 1, s},
		{s, 10 * s, 0, s},
		{s, 10 * s, 2, 2 * s},
		{s, 10 * s, 4, 8 * s},
		{s, 10 * s, 5, 10 * s},
		{s, 10 * s, 1000, 10 * s}, // no overflow: doubling stops at max
		{20 * s, 10 * s, 1, 10 * s},
	} {
		if got := Exponential(tc.initial, tc.max, tc.attempt); got != tc.want {
			t.Errorf("Exponential(%s, %s, %d) = %s, want %s", tc.initial, tc.max, tc.attempt, got, tc.want)
		}
	}
}

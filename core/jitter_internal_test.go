package core

import (
	"testing"
	"time"
)

func TestJitteredStaysWithinBoundsAndSpreads(t *testing.T) {
	for _, j := range []float64{0.1, 0.5} {
		e := engineWithJitter(t, j)
		d := 10 * time.Second
		lo, hi := time.Duration(float64(d)*(1-j)), time.Duration(float64(d)*(1+j))
		minSeen, maxSeen := hi, lo
		for range 2000 {
			got := e.jittered(d)
			if got < lo || got > hi {
				t.Fatalf("jitter %v: jittered(%v) = %v, want in [%v, %v]", j, d, got, lo, hi)
			}
			minSeen, maxSeen = min(minSeen, got), max(maxSeen, got)
		}
		// 2000 uniform draws cover most of the range.
		if span := hi - lo; maxSeen-minSeen < span*8/10 {
			t.Errorf("jitter %v: draws span %v..%v, want most of %v..%v", j, minSeen, maxSeen, lo, hi)
		}
	}
	e := engineWithJitter(t, 0)
	if got := e.jittered(time.Second); got != time.Second {
		t.Fatalf("no jitter: jittered = %v", got)
	}
}

func TestFirstDelaySpread(t *testing.T) {
	e := engineWithJitter(t, 0.1)
	for _, tt := range []struct{ interval, bound time.Duration }{
		{time.Minute, 100 * time.Millisecond}, // capped at a tenth of a second
		{time.Second, 100 * time.Millisecond},
		{200 * time.Millisecond, 20 * time.Millisecond}, // a tenth of the interval
	} {
		seen := map[time.Duration]bool{}
		var maxSeen time.Duration
		for range 1000 {
			got := e.firstDelay(tt.interval)
			if got < 0 || got > tt.bound {
				t.Fatalf("interval %v: first delay %v, want in [0, %v]", tt.interval, got, tt.bound)
			}
			seen[got] = true
			maxSeen = max(maxSeen, got)
		}
		if len(seen) < 100 || maxSeen < tt.bound/2 {
			t.Errorf("interval %v: %d distinct first delays up to %v: not spread", tt.interval, len(seen), maxSeen)
		}
	}
	e0, err := New(WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := e0.firstDelay(time.Minute); got != 0 {
		t.Fatalf("no jitter: first delay %v", got)
	}
}

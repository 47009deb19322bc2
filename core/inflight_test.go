package core_test

import (
	"context"
	"sync"
	"time"
)

// inFlight counts a provider's calls in progress, all and per component,
// and records the most there were at once. The zero value is ready.
type inFlight struct {
	mu      sync.Mutex
	all     int
	byName  map[string]int
	most    int // calls at once
	mostOne int // calls of one component at once
}

// enter counts a call of component name in; the func it returns counts
// it out.
func (f *inFlight) enter(name string) (leave func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byName == nil {
		f.byName = map[string]int{}
	}
	f.all++
	f.byName[name]++
	f.most, f.mostOne = max(f.most, f.all), max(f.mostOne, f.byName[name])
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.all--
		f.byName[name]--
	}
}

// peaks returns the most calls there were at once, all and of one
// component.
func (f *inFlight) peaks() (all, one int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.most, f.mostOne
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

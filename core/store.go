package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// ErrNotFound is returned (wrapped) when a component does not exist.
var ErrNotFound = errors.New("not found")

// ComponentStore keeps the set of components. The engine writes through it
// on Add/Update/Remove and reads it once on Start, so a persistent store lets
// run-time changes survive a restart.
type ComponentStore interface {
	// ListComponents returns every stored component.
	ListComponents(ctx context.Context) ([]Component, error)
	// PutComponent stores c, replacing a component of the same name.
	PutComponent(ctx context.Context, c Component) error
	// DeleteComponent removes the named component (MemoryStore returns an
	// error wrapping ErrNotFound when it is not stored).
	DeleteComponent(ctx context.Context, name string) error
}

// ResultStore keeps check results. The engine records every result; status
// pages read the history back.
type ResultStore interface {
	// RecordResult appends a result to its component's history.
	RecordResult(ctx context.Context, c Result) error
	// History returns up to n of the latest results of a component, oldest
	// first (n <= 0: all kept).
	History(ctx context.Context, component string, n int) ([]Result, error)
	// ForgetResults drops the history of a component (on Remove).
	ForgetResults(ctx context.Context, component string) error
}

// DefaultHistory is the number of results MemoryStore keeps per component
// when created with size 0.
const DefaultHistory = 100

// MemoryStore is the default ComponentStore and ResultStore: components in a
// map, and a bounded ring of results per component. A ring grows with its
// results up to its size, and only a component's latest result keeps its
// Details and Err: older ones keep their state, time, duration, message
// and count, so that memory does not grow with what providers report.
type MemoryStore struct {
	size int

	mu         sync.Mutex
	components map[string]Component
	rings      map[string]*ring
}

// NewMemoryStore returns a store keeping historySize results per component
// (DefaultHistory when historySize <= 0).
func NewMemoryStore(historySize int) *MemoryStore {
	if historySize <= 0 {
		historySize = DefaultHistory
	}
	return &MemoryStore{size: historySize, components: map[string]Component{}, rings: map[string]*ring{}}
}

// ListComponents returns the components sorted by name.
func (m *MemoryStore) ListComponents(context.Context) ([]Component, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Component, 0, len(m.components))
	for _, c := range m.components {
		out = append(out, c.Clone())
	}
	slices.SortFunc(out, func(a, b Component) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// PutComponent adds or replaces a component.
func (m *MemoryStore) PutComponent(_ context.Context, c Component) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.components[c.Name] = c.Clone()
	return nil
}

// DeleteComponent removes a component; ErrNotFound if it does not exist.
func (m *MemoryStore) DeleteComponent(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.components[name]; !ok {
		return fmt.Errorf("component %q: %w", name, ErrNotFound)
	}
	delete(m.components, name)
	return nil
}

// RecordResult appends a result to the component's ring, evicting the
// oldest, and drops the Details and Err of the result before it.
func (m *MemoryStore) RecordResult(_ context.Context, c Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rings[c.Component]
	if r == nil {
		r = &ring{size: m.size}
		m.rings[c.Component] = r
	}
	r.push(c)
	return nil
}

// History returns up to n of the latest results, oldest first.
func (m *MemoryStore) History(_ context.Context, component string, n int) ([]Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rings[component]
	if r == nil {
		return nil, nil
	}
	return r.last(component, n), nil
}

// ForgetResults drops the history of a component.
func (m *MemoryStore) ForgetResults(_ context.Context, component string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.rings, component)
	return nil
}

// ring keeps the latest size results: the latest in full, the others
// compactly (what a status page shows of them: state, time, duration,
// message; 40 bytes rather than a Check's 112 and its details). buf grows
// by doubling up to size, then next wraps around it.
type ring struct {
	buf    []storedCheck
	size   int
	next   int // where the next result goes once buf is full
	latest Result
}

type storedCheck struct {
	unixNano    int64
	duration    time.Duration
	message     string
	consecutive int32
	state       uint8
	observed    uint8
}

func (r *ring) push(c Result) {
	r.latest = c
	sc := storedCheck{unixNano: c.Time.UnixNano(), duration: c.Duration, message: c.Message,
		consecutive: int32(min(c.Consecutive, math.MaxInt32)), state: uint8(c.State), observed: uint8(c.Observed)}
	if len(r.buf) < r.size {
		if len(r.buf) == cap(r.buf) { // double, but not past size
			r.buf = slices.Grow(r.buf, min(max(len(r.buf), 2), r.size-len(r.buf)))
		}
		r.buf = append(r.buf, sc)
		return
	}
	r.buf[r.next] = sc
	r.next = (r.next + 1) % r.size
}

func (r *ring) last(component string, n int) []Result {
	count := len(r.buf)
	if n <= 0 || n > count {
		n = count
	}
	out := make([]Result, n)
	start := (r.next - n + count) % count
	for i := range n {
		sc := &r.buf[(start+i)%count]
		out[i] = Result{Component: component, State: State(sc.state), Observed: State(sc.observed), Message: sc.message,
			Duration: sc.duration, Time: time.Unix(0, sc.unixNano), Consecutive: int(sc.consecutive)}
	}
	if n > 0 {
		out[n-1] = r.latest
	}
	return out
}

package core

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Check checks the named component now, publishes the result and returns it.
// If a check of it is already running, Check waits for that one instead of
// starting another.
func (e *Engine) Check(ctx context.Context, name string) (Result, error) {
	ent, ok := e.lookup(name)
	if !ok {
		return Result{}, fmt.Errorf("core: component %q: %w", name, ErrNotFound)
	}
	res := e.run(ctx, ent, recordNow, nil)
	e.flush() // when it joined a batched run
	return res, nil
}

// CheckAll checks every component now, under the concurrency bound, and
// returns the results sorted by component name.
func (e *Engine) CheckAll(ctx context.Context) []Result {
	start := time.Now()
	defer e.roundDone(start)
	ents := e.allEntries()
	out := make([]Result, len(ents))
	var wg sync.WaitGroup
	for i, ent := range ents {
		wg.Go(func() { out[i] = e.run(ctx, ent, recordBatched, nil) })
	}
	wg.Wait()
	e.flush()
	return out
}

// Run checks the named component now: an alias of Check.
//
// Deprecated: use Check; Run is the lifecycle word elsewhere (Start, Stop,
// Run of fxmodule/lifecycle). Run goes away in the next minor release.
func (e *Engine) Run(ctx context.Context, name string) (Result, error) { return e.Check(ctx, name) }

// RunAll checks every component now: an alias of CheckAll.
//
// Deprecated: use CheckAll. RunAll goes away in the next minor release.
func (e *Engine) RunAll(ctx context.Context) []Result { return e.CheckAll(ctx) }

// ForceCheck runs every check now and returns when all are done and
// published, or with ctx's error when ctx ended first.
func (e *Engine) ForceCheck(ctx context.Context) error {
	e.CheckAll(ctx)
	return ctx.Err()
}

// NotReadyError is returned by WaitForReady when its context ends first.
type NotReadyError struct {
	// Group is the group that was waited for.
	Group string
	// NotReady maps each component that was not ready to its state.
	NotReady map[string]State
	// Err is the context's error.
	Err error
}

// Error names the group, each component that was not ready with its state,
// sorted, and the context's error: `core: group "readiness" not ready: db
// (down): context deadline exceeded`.
func (e *NotReadyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "core: group %q not ready: ", e.Group)
	first := true
	for _, name := range sortedKeys(e.NotReady) {
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s (%s)", name, e.NotReady[name])
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the context's error.
func (e *NotReadyError) Unwrap() error { return e.Err }

// WaitForReady returns nil once every component of group passes readiness
// (ComponentStatus.PassesReadiness, the rule Snapshot.Ready and /ready use), or a *NotReadyError naming the
// others when ctx ends first. An empty group is ready at once.
func (e *Engine) WaitForReady(ctx context.Context, group string) error {
	for {
		changed := e.changes()
		notReady := groupNotReady(e.Snapshot(), group)
		if len(notReady) == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return &NotReadyError{Group: group, NotReady: notReady, Err: ctx.Err()}
		}
	}
}

func groupNotReady(s *Snapshot, group string) map[string]State {
	out := map[string]State{}
	for _, cs := range s.Components {
		if !cs.Component.InGroup(group) {
			continue
		}
		if !cs.PassesReadiness() {
			out[cs.Component.Name] = cs.Result.State
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

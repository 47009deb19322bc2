package core

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/vitals-go/vitals/core/confkit"
)

// SyncResult names what Sync changed, each list sorted.
type SyncResult struct {
	// Added are the components that were not there.
	Added []string
	// Updated are the components whose definition changed but not their
	// provider: their state, fall/rise counters and history carry over.
	Updated []string
	// Replaced are the components whose provider changed: they start
	// afresh (state Unknown, or Up with StartUp) and their history is
	// forgotten, since the old results say nothing about the new check.
	Replaced []string
	// Removed are the components that are no longer wanted.
	Removed []string
	// Unchanged are the components whose definition is the same: nothing
	// about them changes, their scheduled checks included.
	Unchanged []string
}

// Changed reports whether Sync changed anything.
func (r SyncResult) Changed() bool {
	return len(r.Added)+len(r.Updated)+len(r.Replaced)+len(r.Removed) > 0
}

// Sync makes the engine's components the desired ones in one call, the
// monitor seed's SyncTargets: it adds the new ones, removes those not
// desired and updates the changed ones, and publishes one snapshot for the
// whole change (none when nothing changed). A desired component is
// compared with the engine's after defaults are applied:
//
//   - the same definition: left alone, state, counters, history and
//     scheduled checks included;
//   - another definition with the same provider (its config, interval,
//     fall/rise, groups changed): updated as Update does, keeping its
//     published state, fall/rise counters and history, and checked again
//     at once;
//   - another provider: replaced, starting afresh, its history forgotten.
//
// Components added with AddFunc are not Sync's: their check is a Go
// function a definition cannot carry, so they are neither removed nor
// may they be in desired.
//
// Sync validates all of desired first: when any component is invalid, or
// a name appears twice, it changes nothing and returns every problem,
// each naming its component. Component store errors (WithStores)
// skip that component's change and are returned joined, with the result
// of the rest.
func (e *Engine) Sync(ctx context.Context, desired []Component) (SyncResult, error) {
	want := make(map[string]Component, len(desired))
	var errs []error
	for i, c := range desired {
		p, err := e.prepare(c)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("desired[%d]: %w", i, err))
		case isFuncProvider(p.Provider):
			errs = append(errs, fmt.Errorf("desired[%d]: core: component %q: %w", i, p.Name, confkit.Errorf("provider", "%q is a func provider (AddFunc): Sync cannot recreate it", p.Provider)))
		default:
			if _, dup := want[p.Name]; dup {
				errs = append(errs, fmt.Errorf("desired[%d]: core: component %q: %w", i, p.Name, confkit.Errorf("name", "appears twice")))
			}
			want[p.Name] = p
		}
	}
	if len(errs) > 0 {
		return SyncResult{}, fmt.Errorf("core: sync: nothing changed: %w", errors.Join(errs...))
	}

	e.funcMu.Lock() // no AddFunc or Remove in between
	defer e.funcMu.Unlock()
	var res SyncResult
	e.mu.Lock()
	var removed []string
	var gone []*entry // whose provider may keep state for them (Forgetter)
	for name, ent := range e.entries {
		if _, keep := want[name]; keep || isFuncProvider(ent.comp.Provider) {
			continue
		}
		ent.stopLoop()
		delete(e.entries, name)
		e.writer.forget(name)
		removed = append(removed, name)
		gone = append(gone, ent)
	}
	for name, c := range want {
		old, ok := e.entries[name]
		switch {
		case ok && reflect.DeepEqual(old.comp, c):
			res.Unchanged = append(res.Unchanged, name)
			continue
		case ok && isFuncProvider(old.comp.Provider):
			errs = append(errs, fmt.Errorf("core: component %q: %w", name, confkit.Errorf("name", "is an AddFunc component: Sync leaves it alone")))
			continue
		}
		if err := e.putComponent(ctx, c); err != nil {
			errs = append(errs, err)
			continue
		}
		ent := newEntry(c, e.set.now())
		switch {
		case !ok:
			res.Added = append(res.Added, name)
		case old.comp.Provider == c.Provider:
			old.stopLoop()
			ent.runs = old.runs
			ent.status = &ComponentStatus{Component: c, Result: old.status.Result, Checked: old.status.Checked}
			ent.fails, ent.oks = old.fails, old.oks
			ent.reported, ent.pushed = old.reported, old.pushed
			res.Updated = append(res.Updated, name)
		default:
			old.stopLoop()
			ent.runs = old.runs
			e.writer.forget(name)
			res.Replaced = append(res.Replaced, name)
			gone = append(gone, old)
		}
		e.entries[name] = ent
		e.startLoopLocked(ent)
	}
	res.Removed = removed
	if res.Changed() {
		e.layout = nil
		e.publishLocked()
	}
	e.mu.Unlock()
	for _, ent := range gone {
		e.forgetIn(ent.comp.Provider, ent.comp.Name)
	}

	if e.comps != nil {
		for _, name := range removed {
			if err := e.comps.DeleteComponent(ctx, name); err != nil {
				errs = append(errs, fmt.Errorf("core: component %q: store: %w", name, err))
			}
		}
	}
	for _, l := range [][]string{res.Added, res.Updated, res.Replaced, res.Removed, res.Unchanged} {
		slices.Sort(l)
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("core: sync: %w", errors.Join(errs...))
	}
	return res, nil
}

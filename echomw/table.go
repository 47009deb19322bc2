package echomw

import (
	"fmt"
	"path"
	"strings"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
)

// The route table: the one place where the handler's paths are decided.
// Every path the handler answers (the group endpoints, /jobs, the aliases,
// the per-check paths under every group path, the status page and a
// profile's paths) is an entry, and so is every path Config.Reserved
// keeps for a neighbour (metrics, a profiler); two entries that would
// answer the same request are an error naming both fields, never one
// hiding the other. A new endpoint (a history API, badges, pprof) is one
// more entry in table.

// GroupPath serves an engine group at a path: its verdict there as /ready
// answers the readiness group (the readiness rule: the engine must be
// serving and every member must pass), and each member at Path/{name} when
// Config.DisablePerCheckPaths is not set.
type GroupPath struct {
	// Group is the engine group (core.Component.Groups).
	Group string
	// Path is where it is served.
	Path string
}

// ReservedPath is a path the handler's neighbours serve on the same router
// (a metrics registry, a profiler): the route table refuses to route it
// and to let a per-check path hide it.
type ReservedPath struct {
	// Path is the neighbour's path.
	Path string
	// Field names its setting in errors ("health.metrics.path").
	Field string
}

// Member is a component as the route table sees it: its name, its groups
// and the field that names it in errors (empty: `check "<name>"`).
type Member struct {
	// Name is the component's name.
	Name string
	// Groups it counts in (empty: readiness).
	Groups []string
	// Field names its setting in errors ("health.checks[2].name").
	Field string
}

// CollisionError is two routes answering the same path. It is wrapped in
// a *confkit.FieldError whose Path is the field of the second route.
type CollisionError struct {
	// Path is the request path both would answer.
	Path string
	// Other is the field of the route already there.
	Other string
	// Under, Group and Check are set when Path is the per-check path of
	// the check Other under the group path of field Under.
	Under, Group, Check string
}

// Error says which route has the path already.
func (e *CollisionError) Error() string {
	if e.Under == "" {
		return fmt.Sprintf("%q is already used by %s", e.Path, e.Other)
	}
	in := ""
	if e.Group != "" {
		in = fmt.Sprintf(" (group %q)", e.Group)
	}
	return fmt.Sprintf("%q is already used by %s: the per-check path of check %q%s under %s; rename one", e.Path, e.Other, e.Check, in, e.Under)
}

// Unwrap makes errors.Is(err, confkit.ErrInvalid) true.
func (e *CollisionError) Unwrap() error { return confkit.ErrInvalid }

// endpoint is a group endpoint or the jobs report.
type endpoint struct {
	slot  int    // index of its answers in a cacheEntry
	kind  kind   // the rule it answers by
	group string // the engine group ("" for jobs)
	label string // names it in text answers
	// rr renders it as RoadRunner's status plugin does.
	rr bool
}

// route is one entry of the table.
type route struct {
	path     string
	field    string    // the setting that put it there
	ep       *endpoint // nil: the status page, a profile's route or a reserved path
	perCheck bool
	page     bool   // the status page
	compat   string // a profile's route: "axway" for /status and /status/{name}
	reserved bool   // served by a neighbour, not the handler
	alias    bool
}

// shadow is a path under a per-check prefix: a check of that name added
// to the engine later would be hidden by it (New logs it then).
type shadow struct {
	group, name, path, field string
}

// table builds the route table of s for members. It returns every problem
// found, each a *confkit.FieldError.
func (s *settings) table(members []Member) (routes []route, eps []*endpoint, shadows []shadow, errs []error) {
	bad := func(field string, err error) { errs = append(errs, &confkit.FieldError{Path: field, Err: err}) }
	newEP := func(k kind, group, label string) *endpoint {
		ep := &endpoint{slot: len(eps), kind: k, group: group, label: label}
		eps = append(eps, ep)
		return ep
	}
	byPath := map[string]int{} // path: index in routes
	add := func(r route) bool {
		if i, dup := byPath[r.path]; dup {
			bad(r.field, &CollisionError{Path: r.path, Other: routes[i].field})
			return false
		}
		byPath[r.path] = len(routes)
		routes = append(routes, r)
		return true
	}
	var health, ready *endpoint
	if s.health != "" {
		health = newEP(kindHealth, core.GroupLiveness, "health")
		health.rr = s.profile == ProfileRoadRunner
		add(route{path: s.health, field: "HealthPath", ep: health})
	}
	if s.ready != "" {
		ready = newEP(kindReady, core.GroupReadiness, "ready")
		ready.rr = s.profile == ProfileRoadRunner
		add(route{path: s.ready, field: "ReadyPath", ep: ready})
	}
	if s.jobs != "" {
		jobs := newEP(kindJobs, "", "jobs")
		jobs.rr = s.profile == ProfileRoadRunner
		add(route{path: s.jobs, field: "JobsPath", ep: jobs})
	}
	for i, g := range s.groups {
		k := kindReady // the readiness rule, but for liveness itself
		if g.Group == core.GroupLiveness {
			k = kindHealth
		}
		add(route{path: g.Path, field: s.groupFields[i], ep: newEP(k, g.Group, g.Group)})
	}
	if s.status != "" {
		add(route{path: s.status, field: s.statusField, page: true})
	}
	if s.profile == ProfileAxway {
		add(route{path: AxwayStatusPath, field: "Profile", compat: string(ProfileAxway)})
	}
	for i, r := range s.reserved {
		f := r.Field
		if f == "" {
			f = fmt.Sprintf("Reserved[%d]", i)
		}
		add(route{path: r.Path, field: f, reserved: true})
	}
	if s.aliases {
		for _, a := range [...]struct {
			path, of string
			ep       *endpoint
		}{{AliasLive, "HealthPath", health}, {AliasHealthz, "HealthPath", health}, {AliasReady, "ReadyPath", ready}} {
			if a.ep == nil {
				continue
			}
			field := "Aliases (" + a.path + " as " + a.of + ")"
			if i, dup := byPath[a.path]; dup {
				// The error is the configured path's: the key a user wrote.
				if routes[i].ep != a.ep {
					bad(routes[i].field, &CollisionError{Path: a.path, Other: field})
				}
				continue // else the endpoint is at its alias already
			}
			add(route{path: a.path, field: field, ep: a.ep, alias: true})
		}
	}
	// Per-check prefixes, after every exact path.
	fixed := len(routes)
	if s.perCheck {
		for _, r := range routes[:fixed] {
			if r.ep != nil && r.ep.kind != kindJobs {
				routes = append(routes, route{path: r.path, field: r.field, ep: r.ep, perCheck: true, alias: r.alias})
			}
		}
	}
	if s.profile == ProfileAxway {
		routes = append(routes, route{path: AxwayStatusPath, field: "Profile", perCheck: true, compat: string(ProfileAxway)})
	}
	// An exact path P/name under a per-check prefix P hides the check
	// "name" of P's group: an error when the check exists, a shadow to
	// watch for otherwise.
	for _, f := range routes[:fixed] {
		dir, name := path.Split(f.path)
		dir = strings.TrimSuffix(dir, "/")
		for _, p := range routes[fixed:] {
			if p.path != dir {
				continue
			}
			group := ""
			if p.ep != nil {
				group = p.ep.group
			}
			found := false
			for _, m := range members {
				if m.Name == name && (group == "" || inGroup(m.Groups, group)) {
					other := m.Field
					if other == "" {
						other = fmt.Sprintf("check %q", m.Name)
					}
					bad(f.field, &CollisionError{Path: f.path, Other: other, Under: p.field, Group: group, Check: name})
					found = true
					break
				}
			}
			if !found {
				shadows = append(shadows, shadow{group: group, name: name, path: f.path, field: f.field})
			}
		}
	}
	return routes, eps, shadows, errs
}

// inGroup reports whether groups (a component's, empty meaning readiness)
// holds g.
func inGroup(groups []string, g string) bool {
	if len(groups) == 0 {
		return g == core.GroupReadiness
	}
	for _, x := range groups {
		if x == g {
			return true
		}
	}
	return false
}

// PlanRoutes returns the routes cfg would serve with members (the
// engine's components), or every problem with cfg, each a
// *confkit.FieldError naming the field (collisions wrap a
// *CollisionError naming the other field too). It builds no handler:
// fxmodule/config validates its path keys with it.
func PlanRoutes(cfg Config, members []Member) ([]Route, error) {
	set, err := resolve(cfg, nil, members)
	if err != nil {
		return nil, err
	}
	out := make([]Route, 0, len(set.routes))
	for _, r := range set.routes {
		out = append(out, r.public())
	}
	return out, nil
}

// public is r without its handler.
func (r route) public() Route {
	rt := Route{Path: r.path, PerCheck: r.perCheck, Field: r.field, Reserved: r.reserved}
	switch {
	case r.page:
		rt.What = "status page"
	case r.reserved:
		rt.What = "reserved"
	case r.compat != "":
		rt.What = r.compat + " profile"
		rt.Profile = Profile(r.compat)
	case r.ep.kind == kindJobs:
		rt.What = "jobs"
		if r.ep.rr {
			rt.What += " (roadrunner profile)"
			rt.Profile = ProfileRoadRunner
		}
	default:
		rt.What = "group " + r.ep.group
		rt.Group = r.ep.group
		if r.ep.rr {
			rt.What += " (roadrunner profile)"
			rt.Profile = ProfileRoadRunner
		}
	}
	return rt
}

package echomw

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vitals-go/vitals/core"
)

// Handler serves the health endpoints of one engine, as a plain
// http.Handler (ServeHTTP; mount it at the root of a mux, or at each path)
// and on routers that register paths one by one (Routes; package
// echomw/echoroute does so for echo): one implementation behind both, and
// one route table (table.go) deciding every path. Create it with New.
//
// Every answer is read from the engine's latest snapshot; a request never
// runs a check. Answers are rendered once per snapshot and reused until
// the next one (?exclude answers excepted).
type Handler struct {
	eng *core.Engine
	set settings

	lame  atomic.Bool
	cache atomic.Pointer[cacheEntry]

	// exact maps a path to its route; perCheck lists the per-check routes,
	// each serving its path + "/" + a name.
	exact    map[string]*route
	perCheck []*route
	status   http.Handler
	// warned flags the shadows already logged.
	warned []atomic.Bool

	// Header values shared by every response; never modified.
	hNoStore, hAllow, hHealthJSON, hJSON, hText, hTextUTF8, hJSONUTF8 []string
}

// New returns the handler of eng's health endpoints under cfg. It fails,
// naming the field, when cfg is invalid or two of its routes would answer
// the same path (a group path equal to another, a check named like a path
// under its group's path).
func New(eng *core.Engine, cfg Config) (*Handler, error) {
	if eng == nil {
		return nil, errors.New("echomw: engine is nil")
	}
	snap := eng.Snapshot()
	members := make([]Member, 0, len(snap.Components))
	for _, cs := range snap.Components {
		members = append(members, Member{Name: cs.Component.Name, Groups: cs.Component.Groups})
	}
	set, err := resolve(cfg, eng.Logger(), members)
	if err != nil {
		return nil, err
	}
	h := &Handler{
		eng:         eng,
		set:         set,
		exact:       map[string]*route{},
		warned:      make([]atomic.Bool, len(set.shadows)),
		hNoStore:    []string{"no-store"},
		hAllow:      []string{"GET, HEAD, OPTIONS"},
		hHealthJSON: []string{mediaHealthJSON},
		hJSON:       []string{mediaJSON},
		hText:       []string{mediaText},
		hTextUTF8:   []string{"text/plain; charset=utf-8"},
		hJSONUTF8:   []string{"application/json; charset=utf-8"},
	}
	for i := range h.set.routes {
		r := &h.set.routes[i]
		switch {
		case r.reserved:
		case r.perCheck:
			h.perCheck = append(h.perCheck, r)
		default:
			h.exact[r.path] = r
		}
	}
	if err := h.mountStatus(cfg); err != nil {
		return nil, err
	}
	if set.profile == ProfileAxway && set.status != "" {
		set.log.Info("echomw: the axway profile serves "+AxwayStatusPath+" and "+AxwayStatusPath+"/{name} as agent-sdk's healthcheck; the HTML status page moved",
			"path", set.status, "field", set.statusField)
	}
	return h, nil
}

// SetLameDuck turns the handler's own lame-duck switch on or off. While it
// is on, /ready (and every ReadyPath/{name}, and every other group's path)
// answers the unavailable status at once while /health is unaffected, as
// when the engine is in core.PhaseLameDuck (Engine.EnterLameDuck, which
// the lifecycle flips). The switch is for a lifecycle that does not own
// the engine; either one is enough.
func (h *Handler) SetLameDuck(on bool) { h.lame.Store(on) }

// LameDuck reports whether the handler's own lame-duck switch is on (not
// the engine's phase).
func (h *Handler) LameDuck() bool { return h.lame.Load() }

// Route is one path of the handler's route table, for a router that
// registers paths one by one (package echomw/echoroute) and for listing
// the table (PlanRoutes).
type Route struct {
	// Path is the endpoint's path ("/ready"); a per-check route serves
	// Path + "/" + a check name.
	Path string
	// PerCheck says that the route takes a check name after Path + "/".
	PerCheck bool
	// Field is the Config field that put the route there ("HealthPath",
	// "Groups[0]", "Aliases (/livez as HealthPath)", "Profile").
	Field string
	// What the route serves: "group liveness", "jobs", "status page",
	// "axway profile", "reserved".
	What string
	// Group is the engine group a group endpoint (its aliases and
	// per-check paths included) answers for; "" for other routes.
	Group string
	// Profile is the profile a profile's route answers for (ProfileAxway's
	// /status), or the one a group endpoint answers in (ProfileRoadRunner).
	Profile Profile
	// Reserved routes are served by a neighbour (Config.Reserved), not by
	// the handler: Serve is nil and Routes leaves them out.
	Reserved bool
	// Serve answers a request for the route; name is the check's name of a
	// per-check route ("" otherwise). The group endpoints answer GET, HEAD
	// and OPTIONS (405 otherwise); register it for all three.
	Serve func(w http.ResponseWriter, r *http.Request, name string)
}

// Routes lists the handler's routes in the table's order: the configured
// paths, the other groups' paths, the status page, a profile's paths, the
// aliases, then the per-check paths. ServeHTTP serves the same ones.
// Reserved paths are not listed.
func (h *Handler) Routes() []Route {
	out := make([]Route, 0, len(h.set.routes))
	for i := range h.set.routes {
		r := &h.set.routes[i]
		if r.reserved {
			continue
		}
		rt := r.public()
		rt.Serve = func(w http.ResponseWriter, req *http.Request, name string) { h.serveRoute(w, req, r, name) }
		out = append(out, rt)
	}
	return out
}

// ServeHTTP serves the routes by path. Other paths, reserved ones
// included, answer 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if rt, ok := h.exact[p]; ok {
		h.serveRoute(w, r, rt, "")
		return
	}
	for _, rt := range h.perCheck {
		if rest, ok := strings.CutPrefix(p, rt.path); ok && len(rest) > 1 && rest[0] == '/' && !strings.Contains(rest[1:], "/") {
			h.serveRoute(w, r, rt, rest[1:])
			return
		}
	}
	http.NotFound(w, r)
}

// serveRoute answers a request for rt (for check name of a per-check
// route).
func (h *Handler) serveRoute(w http.ResponseWriter, r *http.Request, rt *route, name string) {
	switch {
	case rt.page:
		h.status.ServeHTTP(w, r)
	case rt.compat == string(ProfileAxway):
		h.serveAxway(w, r, rt.perCheck, name)
	case rt.ep.rr && rt.ep.kind == kindJobs:
		h.serveRoadRunnerJobs(w, r)
	case rt.ep.rr && !rt.perCheck:
		h.serveRoadRunner(w, r, rt.ep)
	default:
		h.serve(w, r, rt.ep, name, rt.perCheck)
	}
}

// serve answers endpoint ep (one check of it, name, when perCheck).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, ep *endpoint, name string, perCheck bool) {
	k := ep.kind
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		hdr := w.Header()
		hdr["Allow"] = h.hAllow
		hdr["Cache-Control"] = h.hNoStore
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	details := h.ShowDetails(r)
	f := formatJSON
	if k != kindJobs && wantsText(r.Header["Accept"]) {
		f = formatText
	}
	e := h.entry()
	var exclude []string
	if r.URL.RawQuery != "" {
		q := parseQuery(r.URL.RawQuery, len(e.snap.Components))
		if q.verbose && k != kindJobs {
			f = formatVerbose
		}
		if !perCheck && k != kindJobs {
			exclude = q.exclude
		}
	}
	var res *rendered
	switch {
	case perCheck:
		res = h.check(e, ep, name, details, f)
	case len(exclude) == 0:
		res = h.cached(e, ep, details, f)
	default:
		v := evaluateGroup(e.snap, ep, e.lame, exclude)
		res = h.renderVerdict(&v, details, f)
	}
	hdr := w.Header()
	// Assigning shared slices instead of Set saves an allocation per
	// header; they are never modified.
	hdr["Content-Type"] = res.ctype
	hdr["Cache-Control"] = h.hNoStore
	hdr["Content-Length"] = res.clen
	if r.Method == http.MethodOptions {
		hdr["Allow"] = h.hAllow
	}
	w.WriteHeader(res.code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(res.body)
	}
}

// rendered is a complete answer.
type rendered struct {
	code  int
	body  []byte
	ctype []string
	clen  []string
}

// format of an answer.
type format uint8

const (
	formatJSON format = iota
	formatText
	formatVerbose
	numFormats
)

// cacheEntry holds the answers rendered for one snapshot and lame-duck
// switch, each built on first use: a storm of requests renders nothing
// more. Answers with ?exclude are not kept.
type cacheEntry struct {
	snap *core.Snapshot
	lame bool
	// slots holds the answers of endpoint ep at ep.slot*2*numFormats on.
	slots []atomic.Pointer[rendered]
	// checks holds per-check answers by checkKey.
	checks sync.Map
}

type checkKey struct {
	ep      *endpoint
	details bool
	format  format
	name    string
}

// entry returns the cache entry of the current snapshot and lame-duck
// switch, replacing an older one.
func (h *Handler) entry() *cacheEntry {
	snap := h.eng.Snapshot()
	lame := h.lame.Load()
	e := h.cache.Load()
	if e == nil || e.snap != snap || e.lame != lame {
		e = h.newEntry(snap, lame)
		h.cache.Store(e)
		if len(h.set.shadows) > 0 {
			h.warnShadows(snap)
		}
	}
	return e
}

// newEntry returns an empty cache entry for snap.
func (h *Handler) newEntry(snap *core.Snapshot, lame bool) *cacheEntry {
	return &cacheEntry{snap: snap, lame: lame, slots: make([]atomic.Pointer[rendered], len(h.set.eps)*2*int(numFormats))}
}

// warnShadows logs, once each, a check added after New whose per-check
// path a route of the table answers instead: never silent shadowing.
func (h *Handler) warnShadows(snap *core.Snapshot) {
	for i, sh := range h.set.shadows {
		if h.warned[i].Load() {
			continue
		}
		cs, ok := snap.Get(sh.name)
		if !ok || (sh.group != "" && !cs.Component.InGroup(sh.group)) {
			continue
		}
		if h.warned[i].CompareAndSwap(false, true) {
			h.set.log.Warn("echomw: a check's per-check path is answered by another route; rename the check or move the route",
				"check", sh.name, "group", sh.group, "path", sh.path, "field", sh.field)
		}
	}
}

// cached returns the answer of endpoint ep for e's snapshot.
func (h *Handler) cached(e *cacheEntry, ep *endpoint, details bool, f format) *rendered {
	i := (ep.slot*2)*int(numFormats) + int(f)
	if details {
		i += int(numFormats)
	}
	if res := e.slots[i].Load(); res != nil {
		return res
	}
	var res *rendered
	if ep.kind == kindJobs {
		res = h.answer(http.StatusOK, h.hJSON, renderJobs(e.snap, details, h.set.log))
	} else {
		v := evaluateGroup(e.snap, ep, e.lame, nil)
		res = h.renderVerdict(&v, details, f)
	}
	e.slots[i].Store(res)
	return res
}

// check returns the answer of ep's per-check path for name; 404 when no
// member of ep's group has that name.
func (h *Handler) check(e *cacheEntry, ep *endpoint, name string, details bool, f format) *rendered {
	key := checkKey{ep: ep, details: details, format: f, name: name}
	if res, ok := e.checks.Load(key); ok {
		return res.(*rendered)
	}
	v, found := evaluateOne(e.snap, ep, e.lame, name)
	if !found {
		// Not kept: names are the client's choice.
		msg := fmt.Sprintf("404 no %s check named %q", ep.group, name)
		if names := e.snap.Group(ep.group).Components; len(names) > 0 {
			msg += "; " + ep.group + " checks: " + strings.Join(names, ", ")
		}
		return h.answer(http.StatusNotFound, h.hText, []byte(msg+"\n"))
	}
	res := h.renderVerdict(&v, details, f)
	e.checks.Store(key, res)
	return res
}

func (h *Handler) renderVerdict(v *verdict, details bool, f format) *rendered {
	code := http.StatusOK
	if !v.ok {
		code = h.set.unavailable
	}
	switch f {
	case formatText:
		return h.answer(code, h.hText, renderText(v, details))
	case formatVerbose:
		return h.answer(code, h.hText, renderVerbose(v, details))
	}
	return h.answer(code, h.hHealthJSON, renderJSON(v, details, h.set.service, h.set.log))
}

func (h *Handler) answer(code int, ctype []string, body []byte) *rendered {
	return &rendered{code: code, body: body, ctype: ctype, clen: []string{strconv.Itoa(len(body))}}
}

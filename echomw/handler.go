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
// echomw/echoroute does so for echo): one implementation behind both.
// Create it with New.
//
// Every answer is read from the engine's latest snapshot; a request never
// runs a check. Answers are rendered once per snapshot and reused until
// the next one (?exclude answers excepted).
type Handler struct {
	eng *core.Engine
	set settings

	lame  atomic.Bool
	cache atomic.Pointer[cacheEntry]

	// exact maps a path to its endpoint; perCheck maps "HealthPath/" and
	// "ReadyPath/" (aliases included) to theirs.
	exact    map[string]kind
	perCheck []prefixRoute
	status   http.Handler

	// Header values shared by every response; never modified.
	hNoStore, hAllow, hHealthJSON, hJSON, hText []string
}

type prefixRoute struct {
	prefix string // ends with "/"
	kind   kind
}

// New returns the handler of eng's health endpoints under cfg. It fails,
// naming the field, when cfg is invalid.
func New(eng *core.Engine, cfg Config) (*Handler, error) {
	if eng == nil {
		return nil, errors.New("echomw: engine is nil")
	}
	set, err := resolve(cfg, eng.Logger())
	if err != nil {
		return nil, err
	}
	h := &Handler{
		eng:         eng,
		set:         set,
		exact:       map[string]kind{},
		hNoStore:    []string{"no-store"},
		hAllow:      []string{"GET, HEAD, OPTIONS"},
		hHealthJSON: []string{mediaHealthJSON},
		hJSON:       []string{mediaJSON},
		hText:       []string{mediaText},
	}
	for _, r := range h.routes() {
		if r.perCheck {
			h.perCheck = append(h.perCheck, prefixRoute{prefix: r.path + "/", kind: r.kind})
		} else {
			h.exact[r.path] = r.kind
		}
	}
	if err := h.mountStatus(cfg); err != nil {
		return nil, err
	}
	return h, nil
}

// SetLameDuck turns the handler's own lame-duck switch on or off. While it
// is on, /ready (and every ReadyPath/{name}) answers the unavailable status
// at once while /health is unaffected, as when the engine is in
// core.PhaseLameDuck (Engine.EnterLameDuck, which the lifecycle flips). The
// switch is for a lifecycle that does not own the engine; either one is
// enough.
func (h *Handler) SetLameDuck(on bool) { h.lame.Store(on) }

// LameDuck reports whether the handler's own lame-duck switch is on (not
// the engine's phase).
func (h *Handler) LameDuck() bool { return h.lame.Load() }

// route is one endpoint path.
type route struct {
	path     string
	kind     kind
	perCheck bool
}

// routes lists the endpoint paths (status page excluded), configured ones
// first, then aliases.
func (h *Handler) routes() []route {
	var out []route
	add := func(path string, k kind) {
		for _, r := range out {
			if r.path == path {
				return // an alias that is a configured path
			}
		}
		if path == h.set.status {
			return
		}
		out = append(out, route{path: path, kind: k})
		if h.set.perCheck && k != kindJobs {
			out = append(out, route{path: path, kind: k, perCheck: true})
		}
	}
	if h.set.health != "" {
		add(h.set.health, kindHealth)
	}
	if h.set.ready != "" {
		add(h.set.ready, kindReady)
	}
	if h.set.jobs != "" {
		add(h.set.jobs, kindJobs)
	}
	if h.set.aliases {
		if h.set.health != "" {
			add(AliasLive, kindHealth)
			add(AliasHealthz, kindHealth)
		}
		if h.set.ready != "" {
			add(AliasReady, kindReady)
		}
	}
	return out
}

// Route is one path of the handler, for a router that registers paths one
// by one (package echomw/echoroute).
type Route struct {
	// Path is the endpoint's path ("/ready"); a per-check route serves
	// Path + "/" + a check name.
	Path string
	// PerCheck says that the route takes a check name after Path + "/".
	PerCheck bool
	// Serve answers a request for the route; name is the check's name of a
	// per-check route ("" otherwise). It answers GET, HEAD and OPTIONS
	// (405 otherwise); register it for all three.
	Serve func(w http.ResponseWriter, r *http.Request, name string)
}

// Routes lists the handler's routes: the configured paths, the aliases,
// the per-check paths and, last, the status page. ServeHTTP serves the
// same ones.
func (h *Handler) Routes() []Route {
	var out []Route
	for _, rt := range h.routes() {
		k := rt.kind
		if rt.perCheck {
			out = append(out, Route{Path: rt.path, PerCheck: true, Serve: func(w http.ResponseWriter, r *http.Request, name string) { h.serve(w, r, k, name, true) }})
			continue
		}
		out = append(out, Route{Path: rt.path, Serve: func(w http.ResponseWriter, r *http.Request, _ string) { h.serve(w, r, k, "", false) }})
	}
	if h.status != nil {
		page := h.status
		out = append(out, Route{Path: h.set.status, Serve: func(w http.ResponseWriter, r *http.Request, _ string) { page.ServeHTTP(w, r) }})
	}
	return out
}

// ServeHTTP serves the endpoints by path: the configured paths, the
// aliases, the per-check paths and the status page. Other paths answer 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if k, ok := h.exact[p]; ok {
		h.serve(w, r, k, "", false)
		return
	}
	for _, pr := range h.perCheck {
		if name, ok := strings.CutPrefix(p, pr.prefix); ok && !strings.Contains(name, "/") {
			h.serve(w, r, pr.kind, name, true)
			return
		}
	}
	if h.status != nil && p == h.set.status {
		h.status.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// serve answers endpoint k (one check of it, name, when perCheck).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, k kind, name string, perCheck bool) {
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
		res = h.check(e, k, name, details, f)
	case len(exclude) == 0:
		res = h.cached(e, k, details, f)
	default:
		v := evaluateGroup(e.snap, k, e.lame, exclude)
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
	snap  *core.Snapshot
	lame  bool
	slots [int(numKinds) * 2 * int(numFormats)]atomic.Pointer[rendered]
	// checks holds per-check answers by checkKey.
	checks sync.Map
}

type checkKey struct {
	kind    kind
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
		e = &cacheEntry{snap: snap, lame: lame}
		h.cache.Store(e)
	}
	return e
}

// cached returns the answer of endpoint k for e's snapshot.
func (h *Handler) cached(e *cacheEntry, k kind, details bool, f format) *rendered {
	i := (int(k)*2)*int(numFormats) + int(f)
	if details {
		i += int(numFormats)
	}
	if res := e.slots[i].Load(); res != nil {
		return res
	}
	var res *rendered
	if k == kindJobs {
		res = h.answer(http.StatusOK, h.hJSON, renderJobs(e.snap, details, h.set.log))
	} else {
		v := evaluateGroup(e.snap, k, e.lame, nil)
		res = h.renderVerdict(&v, details, f)
	}
	e.slots[i].Store(res)
	return res
}

// check returns the answer of k's per-check path for name; 404 when no
// member of k's group has that name.
func (h *Handler) check(e *cacheEntry, k kind, name string, details bool, f format) *rendered {
	key := checkKey{kind: k, details: details, format: f, name: name}
	if res, ok := e.checks.Load(key); ok {
		return res.(*rendered)
	}
	v, found := evaluateOne(e.snap, k, e.lame, name)
	if !found {
		// Not kept: names are the client's choice.
		msg := fmt.Sprintf("404 no %s check named %q", k.group(), name)
		if names := e.snap.Group(k.group()).Components; len(names) > 0 {
			msg += "; " + k.group() + " checks: " + strings.Join(names, ", ")
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

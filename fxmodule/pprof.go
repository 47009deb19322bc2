package fxmodule

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"

	"github.com/vitals-go/vitals/fxmodule/config"
)

// Bounds of the pprof routes' seconds parameter.
const (
	DefaultPprofCPUSeconds   = 30
	DefaultPprofTraceSeconds = 1
	MaxPprofSeconds          = 60
)

// pprofParams are what the pprof routes are made from.
type pprofParams struct {
	fx.In

	// Config holds health.pprof.*.
	Config *config.Config
	// Echo is the app's server; the routes go there.
	Echo *echo.Echo `optional:"true"`
}

// registerPprof mounts the pprof routes on the app's echo when
// health.pprof.enabled; with no echo that is an error, naming the key.
func registerPprof(p pprofParams) error {
	c := p.Config.Health.Pprof
	if !c.Enabled {
		return nil
	}
	if p.Echo == nil {
		return errors.New("health.pprof.enabled: there is no *echo.Echo to serve the profiles on: provide one, or turn pprof off")
	}
	h := NewPprofHandler(c.Path, c.Token)
	p.Echo.Any(c.Path, echo.WrapHandler(h))
	p.Echo.Any(c.Path+"/*", echo.WrapHandler(h))
	return nil
}

// NewPprofHandler serves Go runtime profiles under prefix to requests
// with "Authorization: Bearer TOKEN", and 401 to any other, whatever the
// details policy: prefix/ lists them; prefix/profile?seconds=N is a CPU
// profile (default 30, at most MaxPprofSeconds), prefix/trace?seconds=N
// an execution trace (default 1), prefix/NAME?debug=N a named profile
// (heap, goroutine, allocs, block, mutex, threadcreate; heap?gc=1 runs a
// GC first). It uses runtime/pprof, not net/http/pprof, whose import
// registers the same routes, unauthenticated, on http.DefaultServeMux.
// The command line and symbol endpoints are left out: the command line
// may hold secrets, and profiles carry their symbols.
// An empty token refuses every request.
func NewPprofHandler(prefix, token string) http.Handler {
	return &pprofHandler{prefix: strings.TrimSuffix(prefix, "/"), sum: sha256.Sum256([]byte(token)), open: token != ""}
}

type pprofHandler struct {
	prefix string
	sum    [32]byte
	open   bool
}

func (h *pprofHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="pprof"`)
		http.Error(w, "pprof needs health.pprof.token as a bearer token", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, h.prefix), "/")
	switch name {
	case "":
		h.index(w)
	case "profile":
		h.timed(w, r, DefaultPprofCPUSeconds, "cpu profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
	case "trace":
		h.timed(w, r, DefaultPprofTraceSeconds, "trace", trace.Start, trace.Stop)
	default:
		h.named(w, r, name)
	}
}

func (h *pprofHandler) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !h.open || !ok {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(sum[:], h.sum[:]) == 1
}

func (h *pprofHandler) index(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "%s/profile?seconds=%d\tCPU profile\n%s/trace?seconds=%d\texecution trace\n", h.prefix, DefaultPprofCPUSeconds, h.prefix, DefaultPprofTraceSeconds)
	profiles := pprof.Profiles()
	slices.SortFunc(profiles, func(a, b *pprof.Profile) int { return strings.Compare(a.Name(), b.Name()) })
	for _, p := range profiles {
		fmt.Fprintf(w, "%s/%s\t%d\n", h.prefix, p.Name(), p.Count())
	}
}

// timed runs start for the request's seconds, or until the client leaves.
func (h *pprofHandler) timed(w http.ResponseWriter, r *http.Request, def int, what string, start func(w io.Writer) error, stop func()) {
	secs, err := seconds(r, def)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(what, " ", "-")+`"`)
	if err := start(w); err != nil {
		w.Header().Del("Content-Disposition")
		http.Error(w, fmt.Sprintf("%s: %v (one at a time)", what, err), http.StatusConflict)
		return
	}
	t := time.NewTimer(time.Duration(secs) * time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
	stop()
}

func seconds(r *http.Request, def int) (int, error) {
	s := r.URL.Query().Get("seconds")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPprofSeconds {
		return 0, fmt.Errorf("seconds: %q is not in 1-%d", s, MaxPprofSeconds)
	}
	return n, nil
}

func (h *pprofHandler) named(w http.ResponseWriter, r *http.Request, name string) {
	p := pprof.Lookup(name)
	if p == nil || strings.Contains(name, "/") {
		http.Error(w, fmt.Sprintf("no profile %q; see %s/", name, h.prefix), http.StatusNotFound)
		return
	}
	debug, err := strconv.Atoi(r.URL.Query().Get("debug"))
	if err != nil || debug < 0 || debug > 2 {
		debug = 0
	}
	if name == "heap" && r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	if debug > 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	_ = p.WriteTo(w, debug) // a client that left: nothing to tell it
}

package echomw

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
)

// Router is where the routes are added: *echo.Echo and *echo.Group both
// satisfy it. Paths are relative to a group's prefix.
type Router interface {
	// Add registers handler for method and path, as echo's Add does.
	Add(method, path string, handler echo.HandlerFunc, middleware ...echo.MiddlewareFunc) *echo.Route
}

// Register adds eng's health endpoints to r with the default
// configuration: /health, /ready, /jobs, /health/{name}, /ready/{name},
// /livez, /healthz, /readyz (and their per-check paths), and the status
// page at /status.
func Register(r Router, eng *core.Engine) error {
	return RegisterWithConfig(r, eng, Config{})
}

// RegisterWithConfig adds eng's health endpoints to r as cfg says. It fails,
// naming the field, when cfg is invalid, and adds nothing then. Use New and
// Handler.Register to keep the *Handler (its lame-duck switch).
func RegisterWithConfig(r Router, eng *core.Engine, cfg Config) error {
	h, err := New(eng, cfg)
	if err != nil {
		return err
	}
	return h.Register(r)
}

// Register adds the handler's routes to r (an *echo.Echo or *echo.Group).
// Each route calls the same code as ServeHTTP.
func (h *Handler) Register(r Router) error {
	if r == nil {
		return errors.New("echomw: router is nil")
	}
	// OPTIONS is registered explicitly so that echo does not answer it 204
	// on its own: a load balancer probing with OPTIONS (HAProxy's default
	// httpchk) must see the same status as GET.
	methods := [...]string{http.MethodGet, http.MethodHead, http.MethodOptions}
	for _, rt := range h.routes() {
		path, hf := rt.path, h.echoHandler(rt.kind)
		if rt.perCheck {
			path, hf = rt.path+"/:name", h.echoCheckHandler(rt.kind)
		}
		for _, m := range methods {
			r.Add(m, path, hf)
		}
	}
	if h.status != nil {
		// The page answers GET and HEAD (405 otherwise, by itself).
		hf := echo.WrapHandler(h.status)
		for _, m := range methods {
			r.Add(m, h.set.status, hf)
		}
	}
	h.set.log.Debug("vitals health routes registered", "health", h.set.health, "ready", h.set.ready, "jobs", h.set.jobs, "status", h.set.status, "aliases", h.set.aliases, "per_check", h.set.perCheck)
	return nil
}

func (h *Handler) echoHandler(k kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		h.serve(c.Response(), c.Request(), k, "", false)
		return nil
	}
}

func (h *Handler) echoCheckHandler(k kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		h.serve(c.Response(), c.Request(), k, c.Param("name"), true)
		return nil
	}
}

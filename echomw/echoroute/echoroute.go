// Package echoroute registers echomw's health endpoints on an echo router
// (*echo.Echo or *echo.Group) in one call:
//
//	if err := echoroute.Register(e, eng); err != nil { ... }
//
// It is the only part of Vitals' HTTP surface that imports echo, so that a
// net/http service using echomw.New links no echo.
package echoroute

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
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
// page at /status (echomw.DefaultConfig).
func Register(r Router, eng *core.Engine) error {
	return RegisterWithConfig(r, eng, echomw.DefaultConfig())
}

// RegisterWithConfig adds eng's health endpoints to r as cfg says. It fails,
// naming the field, when cfg is invalid, and adds nothing then. Use
// echomw.New and Mount to keep the *echomw.Handler (its lame-duck switch).
func RegisterWithConfig(r Router, eng *core.Engine, cfg echomw.Config) error {
	h, err := echomw.New(eng, cfg)
	if err != nil {
		return err
	}
	return Mount(r, h)
}

// Mount adds h's routes to r (an *echo.Echo or *echo.Group). Each route
// calls the same code as h.ServeHTTP.
func Mount(r Router, h *echomw.Handler) error {
	if r == nil {
		return errors.New("echoroute: router is nil")
	}
	if h == nil {
		return errors.New("echoroute: handler is nil")
	}
	// OPTIONS is registered explicitly so that echo does not answer it 204
	// on its own: a load balancer probing with OPTIONS (HAProxy's default
	// httpchk) must see the same status as GET. The status page answers
	// GET and HEAD (405 otherwise, by itself).
	methods := []string{http.MethodGet, http.MethodHead, http.MethodOptions}
	// A compatibility profile's routes answer every method alike, as the
	// upstream handlers (a plain ServeMux route each) do.
	anyMethod := []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost,
		http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodConnect, http.MethodTrace}
	for _, rt := range h.Routes() {
		path, serve := rt.Path, rt.Serve
		hf := func(c echo.Context) error {
			serve(c.Response(), c.Request(), "")
			return nil
		}
		if rt.PerCheck {
			path = rt.Path + "/:name"
			hf = func(c echo.Context) error {
				serve(c.Response(), c.Request(), c.Param("name"))
				return nil
			}
		}
		ms := methods
		if rt.Profile != "" {
			ms = anyMethod
		}
		for _, m := range ms {
			r.Add(m, path, hf)
		}
	}
	return nil
}

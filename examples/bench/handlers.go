package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	gosundheit "github.com/AppsFlyer/go-sundheit"
	"github.com/AppsFlyer/go-sundheit/checks"
	healthhttp "github.com/AppsFlyer/go-sundheit/http"
	alex "github.com/alexliesenfeld/health"
	hellofresh "github.com/hellofresh/health-go/v5"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

// endpoint is one library's readiness endpoint with n checks that pass at
// once, wired as the library's README shows.
type endpoint struct {
	lib     string
	mode    string // "cached": answers from results checked in the background; "on request": runs the checks per request
	path    string
	handler http.Handler
	close   func()
}

// httpLibs are the libraries of the http and wrk sections, reference
// first; "static" is a bare handler answering Vitals' body.
var httpLibs = []string{"vitals", "alexliesenfeld", "hellofresh", "sundheit", "static"}

// interval of the checks behind the endpoints: long enough that no check
// runs while requests are measured (they are all cached), except
// hellofresh's, which has no background mode.
const httpInterval = time.Hour

func noop(context.Context) error { return nil }

// newEndpoint wires lib's readiness endpoint with n checks and waits until
// it answers 200.
func newEndpoint(lib string, n int, static []byte) (*endpoint, error) {
	ep := &endpoint{lib: lib, mode: "cached", path: "/ready", close: func() {}}
	switch lib {
	case "vitals":
		comps := make([]core.Component, n)
		for i := range comps {
			comps[i] = core.Component{Name: fmt.Sprintf("check%03d", i), Provider: "noop", Interval: httpInterval}
		}
		eng, err := core.New(core.WithProviders(core.CheckerFunc(noop).Provider("noop")), core.WithComponents(comps...))
		if err != nil {
			return nil, err
		}
		if err := eng.Start(context.Background()); err != nil {
			return nil, err
		}
		ep.close = func() { _ = eng.Stop(context.Background()) }
		h, err := echomw.New(eng, echomw.Config{})
		if err != nil {
			return nil, err
		}
		ep.handler = h
	case "alexliesenfeld":
		options := []alex.CheckerOption{alex.WithTimeout(10 * time.Second)}
		for i := range n {
			options = append(options, alex.WithPeriodicCheck(httpInterval, 0, alex.Check{Name: fmt.Sprintf("check%03d", i), Check: noop}))
		}
		checker := alex.NewChecker(options...)
		ep.close = func() { checker.Stop() }
		ep.handler = alex.NewHandler(checker)
	case "hellofresh":
		ep.mode = "on request"
		cfgs := make([]hellofresh.Config, n)
		for i := range cfgs {
			cfgs[i] = hellofresh.Config{Name: fmt.Sprintf("check%03d", i), Timeout: 10 * time.Second, Check: noop}
		}
		h, err := hellofresh.New(hellofresh.WithComponent(hellofresh.Component{Name: "bench", Version: "v1"}), hellofresh.WithChecks(cfgs...))
		if err != nil {
			return nil, err
		}
		ep.handler = h.Handler()
	case "sundheit":
		h := gosundheit.New()
		for i := range n {
			c := &checks.CustomCheck{CheckName: fmt.Sprintf("check%03d", i), CheckFunc: func(ctx context.Context) (any, error) { return nil, noop(ctx) }}
			if err := h.RegisterCheck(c, gosundheit.ExecutionPeriod(httpInterval), gosundheit.ExecutionTimeout(10*time.Second)); err != nil {
				return nil, err
			}
		}
		ep.close = h.DeregisterAll
		ep.handler = healthhttp.HandleHealthJSON(h)
	case "static":
		ep.mode = "static"
		ep.handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(static)
		})
	default:
		return nil, fmt.Errorf("unknown library %q", lib)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		w := httptest.NewRecorder()
		ep.handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, ep.path, nil))
		if w.Code == http.StatusOK {
			return ep, nil
		}
		if time.Now().After(deadline) {
			ep.close()
			return nil, fmt.Errorf("%s with %d checks: GET %s answers %d after 30 s: %s", lib, n, ep.path, w.Code, w.Body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// vitalsBody is the body of Vitals' /ready with n checks: the static
// handler answers as many bytes.
func vitalsBody(n int) ([]byte, error) {
	ep, err := newEndpoint("vitals", n, nil)
	if err != nil {
		return nil, err
	}
	defer ep.close()
	w := httptest.NewRecorder()
	ep.handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, ep.path, nil))
	body := []byte(`{"status":"pass"}`)
	for len(body) < w.Body.Len() {
		body = append(body, ' ')
	}
	return body, nil
}

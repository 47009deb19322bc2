package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/roadrunner-server/api-plugins/v6/jobs"
	api "github.com/roadrunner-server/api-plugins/v6/status"
	"rec/status"
)

type plug struct {
	name string
	code int
}

func (p plug) Status() (*api.Status, error) { return &api.Status{Code: p.code}, nil }
func (p plug) Ready() (*api.Status, error)  { return &api.Status{Code: p.code}, nil }
func (p plug) Name() string                 { return p.name }

type jobsPlug struct{ states []*jobs.State }

func (j jobsPlug) JobsState(context.Context) ([]*jobs.State, error) { return j.states, nil }
func (jobsPlug) Name() string                                       { return "jobs" }

func main() {
	out := os.Args[1]
	log := slog.New(slog.DiscardHandler)
	record := func(file string, h http.Handler, query string) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := http.Get(srv.URL + "/x" + query)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s := fmt.Sprintf("GET %s\n%d\nContent-Type: %s\nX-Content-Type-Options: %s\n\n%s", query, resp.StatusCode,
			resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"), body)
		if err := os.WriteFile(filepath.Join(out, file), []byte(s), 0o644); err != nil {
			panic(err)
		}
	}
	var off, on atomic.Bool
	on.Store(true)
	one := func(name string, code int) map[string]status.Checker {
		return map[string]status.Checker{name: plug{name, code}}
	}
	oneR := func(name string, code int) map[string]status.Readiness {
		return map[string]status.Readiness{name: plug{name, code}}
	}
	two := map[string]status.Checker{"db": plug{"db", 200}, "cache": plug{"cache", 503}}
	twoR := map[string]status.Readiness{"db": plug{"db", 200}, "cache": plug{"cache", 503}}
	record("health_pass.txt", status.NewHealthHandler(one("db", 200), &off, log, 503), "")
	record("health_fail.txt", status.NewHealthHandler(one("db", 503), &off, log, 503), "")
	record("health_plugins.txt", status.NewHealthHandler(two, &off, log, 503), "?plugin=db&plugin=cache")
	record("health_plugin_pass.txt", status.NewHealthHandler(two, &off, log, 503), "?plugin=db")
	record("health_unknown.txt", status.NewHealthHandler(two, &off, log, 503), "?plugin=nope")
	record("health_unknown_and_known.txt", status.NewHealthHandler(two, &off, log, 503), "?plugin=nope&plugin=db")
	record("health_shutdown.txt", status.NewHealthHandler(one("db", 200), &on, log, 503), "")
	record("health_fail_500.txt", status.NewHealthHandler(one("db", 503), &off, log, 500), "")
	record("ready_pass.txt", status.NewReadyHandler(oneR("db", 200), &off, log, 503), "")
	record("ready_fail.txt", status.NewReadyHandler(oneR("db", 503), &off, log, 503), "")
	record("ready_plugins.txt", status.NewReadyHandler(twoR, &off, log, 503), "?plugin=db&plugin=cache")
	record("ready_unknown.txt", status.NewReadyHandler(twoR, &off, log, 503), "?plugin=nope")
	record("ready_shutdown.txt", status.NewReadyHandler(oneR("db", 200), &on, log, 503), "")
	jc := jobsPlug{states: []*jobs.State{
		{Pipeline: "emails", Driver: "amqp", Queue: "emails", Priority: 10, Active: 3, Delayed: 1, Reserved: 2, Ready: true},
		{Pipeline: "reports", Driver: "redis", Queue: "reports", Priority: 5, ErrorMessage: "connection refused"},
	}}
	record("jobs_pass.txt", status.NewJobsHandler(jc, &off, log, 503), "")
	record("jobs_none.txt", status.NewJobsHandler(nil, &off, log, 503), "")
	record("jobs_shutdown.txt", status.NewJobsHandler(jc, &on, log, 503), "")
	record("ready_empty.txt", status.NewReadyHandler(map[string]status.Readiness{}, &off, log, 503), "")
}

package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

// The commands against the real endpoints: a started engine with a
// failing readiness check and a passing liveness one, served by echomw.
func TestAgainstVitals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eng, err := core.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.AddFunc(ctx, core.Component{Name: "db"}, func(context.Context) error {
		return errors.New("dial tcp 10.0.0.5:5432: connection refused")
	}); err != nil {
		t.Fatal(err)
	}
	if err := eng.AddFunc(ctx, core.Component{Name: "proc", Groups: []string{core.GroupLiveness}}, func(context.Context) error {
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Stop(context.Background()) })
	if err := eng.ForceCheck(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := echomw.New(eng, echomw.Config{Token: "s3cret", Service: echomw.ServiceInfo{ID: "orders"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")

	expect(t, vitals(t, nil, "check", srv.URL+"/health"), 0, []string{"200 OK"}, nil)
	expect(t, vitals(t, nil, "check", srv.URL+"/ready/proc"), 1, nil, nil) // not a readiness member
	r := vitals(t, nil, "check", srv.URL+"/ready")
	expect(t, r, 1, []string{"503 Service Unavailable", `"status": "fail"`, "db"}, nil)
	if strings.Contains(r.stdout, "connection refused") {
		t.Errorf("the public answer shows the message\n%s", r)
	}
	expect(t, vitals(t, nil, "check", "--token", "s3cret", srv.URL+"/ready"), 1, []string{"connection refused"}, nil)
	expect(t, vitals(t, nil, "running", addr), 0, []string{"running: ", "200 OK", `status "pass"`}, nil)
	expect(t, vitals(t, nil, "running", srv.URL+"/ready"), 0, []string{"running: ", "503", `status "fail"`}, nil)

	// Lame duck: /ready fails at once, /health stays 200, still running.
	h.SetLameDuck(true)
	expect(t, vitals(t, nil, "check", srv.URL+"/ready"), 1, []string{"503"}, nil)
	expect(t, vitals(t, nil, "check", srv.URL+"/health"), 0, nil, nil)
	expect(t, vitals(t, nil, "running", addr), 0, []string{"running: "}, nil)
}

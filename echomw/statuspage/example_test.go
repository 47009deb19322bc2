package statuspage_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

func ExampleNew() {
	e, err := core.New()
	if err != nil {
		panic(err)
	}
	defer e.Stop(context.Background())
	db := core.Component{Name: "db", Interval: time.Hour}
	if err := e.AddFunc(context.Background(), db, func(context.Context) error { return nil }); err != nil {
		panic(err)
	}
	_ = e.ForceCheck(context.Background())

	cfg := statuspage.DefaultConfig()
	cfg.Title = "Shop status"
	cfg.Refresh = 15 * time.Second
	// Check messages may name hosts: show them only to local requests.
	cfg.ShowDetails = func(r *http.Request) bool { return r.Header.Get("X-Forwarded-For") == "" }
	page, err := statuspage.New(e, cfg)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/status", page)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/status", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	// Output: 200 text/html; charset=utf-8 no-store
}

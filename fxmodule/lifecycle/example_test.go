package lifecycle_test

import (
	"context"
	"database/sql"
	"errors"
	"log"
	"log/slog"
	"net/http"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// Example_netHTTP is the README's "Add Vitals to a net/http app" snippet,
// compiled (not run) so that it keeps compiling: keep the two in step.
// The app runs its own server; no fx, no echo.
func Example_netHTTP() {
	cfg, err := config.Load(config.LoadOptions{File: "vitals.yaml", Env: true})
	if err != nil {
		log.Fatal(err) // every problem at once, each naming its key
	}
	db := openDB() // yours
	eng, err := assemble.NewEngine(cfg, slog.Default(), nil, []assemble.Check{
		{Component: core.Component{Name: "db"}, Func: db.PingContext},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	health, err := echomw.New(eng, assemble.HandlerConfig(cfg)) // /health, /ready, /jobs, /status...
	if err != nil {
		log.Fatal(err)
	}
	rt, err := lifecycle.New(cfg, eng, lifecycle.WithLogger(slog.Default()))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", health)
	mux.HandleFunc("/hello", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) })
	if path, metrics := rt.Metrics(); metrics != nil { // health.metrics.enabled
		mux.Handle(path, metrics)
	}
	// ConnectionClose: "Connection: close" in the lame duck (connection_close).
	srv := &http.Server{Addr: ":8080", Handler: rt.ConnectionClose(mux), ReadHeaderTimeout: cfg.Server.ReadHeaderTimeout}
	go func() {
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	// Run blocks until SIGTERM or SIGINT (health.lameduck.signals): /ready
	// fails at once, the server keeps serving for the period, then Run
	// stops the engine and returns, and the app shuts its server down.
	if err := rt.Run(context.Background()); err != nil {
		log.Print(err)
	}
	_ = srv.Shutdown(context.Background())
}

func openDB() *sql.DB { return &sql.DB{} }

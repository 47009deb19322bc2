package fxmodule_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// CacheCheck is an app check for the group "vitals.checks".
type CacheCheck struct {
	fx.Out

	Check assemble.Check `group:"vitals.checks"`
}

func newCacheCheck() CacheCheck {
	return CacheCheck{Check: assemble.Check{
		Component: core.Component{Name: "cache", Groups: []string{core.GroupReadiness}},
		Func:      func(context.Context) error { return nil },
	}}
}

// QueueProvider is an extra provider for the group "vitals.providers",
// which health.checks entries name.
type QueueProvider struct {
	fx.Out

	Provider core.Provider `group:"vitals.providers"`
}

func newQueueProvider() QueueProvider {
	return QueueProvider{Provider: core.CheckerFunc(func(context.Context) error {
		return core.Degraded(fmt.Errorf("lagging"))
	}).Provider("queue")}
}

// Vitals as one fx module: the app's checks come in through value groups,
// configured checks through the YAML file, and readiness opens once the
// whole app has started because the fx event logger goes through the gate.
func ExampleModule() {
	dir, _ := os.MkdirTemp("", "vitals")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "vitals.yaml")
	_ = os.WriteFile(file, []byte(`
health:
  lameduck: {period: 0s}
  checks:
    - {name: orders-queue, provider: queue, critical: false}
`), 0o600)

	var engine *core.Engine
	app := fx.New(
		fxmodule.Module,
		fx.Supply(&config.LoadOptions{File: file}),
		fx.WithLogger(fxmodule.EventLogger(fxevent.NopLogger)),
		fx.Provide(newCacheCheck, newQueueProvider),
		fx.Populate(&engine),
	)
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_ = engine.ForceCheck(ctx)
	s := engine.Snapshot()
	fmt.Println("phase:", s.Phase)
	for _, c := range s.Components {
		fmt.Printf("%s: %s\n", c.Component.Name, c.Result.State)
	}
	fmt.Println("readiness:", s.Groups[core.GroupReadiness].State)
	_ = app.Stop(ctx)
	// Output:
	// phase: serving
	// cache: up
	// orders-queue: degraded
	// readiness: degraded
}

// Queue stands for an app's queue that implements core.JobsChecker.
type Queue struct{}

// JobsState reports no pipelines.
func (*Queue) JobsState(context.Context) ([]core.JobsReport, error) { return nil, nil }

// Example_readme is the README's "Add Vitals to your fx app" snippet,
// compiled (not run) so that it keeps compiling: keep the two in step.
func Example_readme() {
	cfg, err := config.Load(config.LoadOptions{File: "vitals.yaml", Env: true})
	if err != nil {
		log.Fatal(err) // every problem at once, each naming its key
	}
	fx.New(
		// Module + fx's event logger through the gate: /ready waits for every
		// OnStart hook and fails at the first OnStop one.
		fxmodule.Options(&fxevent.SlogLogger{Logger: slog.Default()}),
		fxmodule.Supply(cfg),
		fxmodule.Timeouts(cfg), // stop timeout for period + drain (fx's 15 s default is too short)
		fx.Provide(newEcho),    // yours; with server.address set, Vitals serves it
		fx.Provide(fx.Annotate(dbCheck, fx.ResultTags(`group:"vitals.checks"`))),
		fx.Provide(fx.Annotate(queueJobs, fx.ResultTags(`group:"vitals.jobs"`))),
	).Run()
}

func dbCheck(db *sql.DB) assemble.Check {
	return assemble.Check{Component: core.Component{Name: "db"}, Func: db.PingContext}
}

func queueJobs(q *Queue) assemble.JobsSource { // q implements core.JobsChecker
	return assemble.JobsSource{Name: "queue", Checker: q}
}

package fxmodule_test

import (
	"context"
	"database/sql"
	"log"
	"log/slog"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
)

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

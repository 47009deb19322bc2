package assemble

import "github.com/vitals-go/vitals/core"

// Check is an app check: a component and the func that checks it. With
// fx, provide it to the group "vitals.checks":
//
//	fx.Provide(fx.Annotate(newDBCheck, fx.ResultTags(`group:"vitals.checks"`)))
//
// Component.Provider is ignored: Func checks it.
type Check struct {
	// Component describes the check: its name, groups, interval, timeout,
	// fall/rise and criticality, as a health.checks entry does.
	Component core.Component
	// Func checks the component: nil (Up), an error (Down) or
	// core.Degraded(err).
	Func core.CheckerFunc
}

// JobsSource is a named core.JobsChecker, registered on the jobs provider
// under its Name. With fx, provide it to the group "vitals.jobs":
//
//	jobs := coretest.NewMemoryJobs()
//	fx.Supply(fx.Annotate(assemble.JobsSource{Name: "pipeline", Checker: jobs},
//		fx.ResultTags(`group:"vitals.jobs"`)))
//
// A health.checks entry with provider "jobs" selects it by Name with its
// config.checker, which defaults to the entry's name.
type JobsSource struct {
	// Name the jobs checks select it by (their config.checker).
	Name string
	// Checker reports the state of the source's pipelines.
	Checker core.JobsChecker
}

// JobsChecker is the former name of JobsSource; core.JobsChecker is the
// interface a source implements.
//
// Deprecated: use JobsSource.
type JobsChecker = JobsSource

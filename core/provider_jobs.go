package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vitals-go/vitals/core/confkit"
)

// Config keys of the jobs provider.
const (
	jobsKeyChecker    = "checker"
	jobsKeyMaxDelayed = "max_delayed"
	jobsKeyMaxActive  = "max_active"
)

// JobsReport is the state of one job pipeline, with the fields and JSON
// names of RoadRunner's jobs status.
type JobsReport struct {
	// Pipeline is the pipeline's name.
	Pipeline string `json:"pipeline"`
	// Priority is the pipeline's priority.
	Priority uint64 `json:"priority"`
	// Ready reports whether the pipeline consumes jobs.
	Ready bool `json:"ready"`
	// Queue is the name of the queue behind the pipeline.
	Queue string `json:"queue"`
	// Active is the number of jobs waiting or running.
	Active int64 `json:"active"`
	// Delayed is the number of jobs scheduled for later.
	Delayed int64 `json:"delayed"`
	// Reserved is the number of jobs taken by workers.
	Reserved int64 `json:"reserved"`
	// Driver is the queue driver (amqp, sqs, memory, ...).
	Driver string `json:"driver"`
	// ErrorMessage is the pipeline's error, if any; a pipeline with an error
	// does not count as ready.
	ErrorMessage string `json:"error_message"`
}

// JobsChecker reports the state of job pipelines.
type JobsChecker interface {
	// JobsState returns one report per pipeline. An error means the state
	// could not be read at all.
	JobsState(ctx context.Context) ([]JobsReport, error)
}

// JobsCheckerFunc adapts a function to a JobsChecker.
type JobsCheckerFunc func(ctx context.Context) ([]JobsReport, error)

// JobsState calls f.
func (f JobsCheckerFunc) JobsState(ctx context.Context) ([]JobsReport, error) { return f(ctx) }

// JobsProvider checks job pipelines through named JobsCheckers. Register
// the checkers with Register, the provider on an engine (its Name is
// "jobs"), and configure components with these Config keys:
//
//   - checker: the name of the registered checker (default: the
//     component's name).
//   - max_delayed: a pipeline with more delayed jobs is Degraded.
//   - max_active: a pipeline with more active jobs is Degraded.
//
// States: no pipelines at all is Up ("no pipelines"); every pipeline ready
// and without error (and within the thresholds) is Up; some pipelines not
// ready, with an error or over a threshold is Degraded; no pipeline ready,
// or an error from the checker, is Down. Details["pipelines"] is always the
// []JobsReport, sorted by pipeline name (empty when the checker failed),
// which is what a /jobs endpoint serves.
//
// Create it with NewJobsProvider; it is safe for concurrent use.
type JobsProvider struct {
	checkers registry[JobsChecker]
}

// NewJobsProvider returns a jobs provider with no checkers.
func NewJobsProvider() *JobsProvider { return &JobsProvider{} }

// Name returns "jobs".
func (p *JobsProvider) Name() string { return ProviderJobs }

// Register makes jc available to components under name. It fails on an
// empty name, a nil checker or a name already registered.
func (p *JobsProvider) Register(name string, jc JobsChecker) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("core: jobs: checker name is empty")
	}
	if jc == nil {
		return fmt.Errorf("core: jobs: checker %q is nil", name)
	}
	if f, ok := jc.(JobsCheckerFunc); ok && f == nil {
		return fmt.Errorf("core: jobs: checker %q is a nil func", name)
	}
	if !p.checkers.add(name, jc) {
		return fmt.Errorf("core: jobs: checker %q is already registered", name)
	}
	return nil
}

// checker returns the named checker and, when it is missing, an error that
// lists the known ones.
func (p *JobsProvider) checker(name string) (JobsChecker, error) {
	if jc, ok := p.checkers.get(name); ok {
		return jc, nil
	}
	known := p.checkers.names()
	if len(known) == 0 {
		return nil, fmt.Errorf("%q is not registered (no jobs checkers are registered)", name)
	}
	return nil, fmt.Errorf("%q is not registered (known: %s)", name, strings.Join(known, ", "))
}

type jobsConfig struct {
	checker    string
	maxDelayed int64 // -1: no threshold
	maxActive  int64 // -1: no threshold
}

func (p *JobsProvider) parseConfig(c Component) (jobsConfig, JobsChecker, error) {
	r := confkit.NewReader(c.Config)
	r.Only(jobsKeyChecker, jobsKeyMaxDelayed, jobsKeyMaxActive)
	jc := jobsConfig{
		checker:    r.String(jobsKeyChecker, c.Name),
		maxDelayed: r.Int(jobsKeyMaxDelayed, -1, 0, 1<<62),
		maxActive:  r.Int(jobsKeyMaxActive, -1, 0, 1<<62),
	}
	var checker JobsChecker
	if jc.checker == "" {
		r.Failf(jobsKeyChecker, "must not be empty")
	} else {
		var err error
		if checker, err = p.checker(jc.checker); err != nil {
			r.Failf(jobsKeyChecker, "%v", err)
		}
	}
	return jc, checker, r.Err()
}

// ValidateConfig checks a component's config when it is added or updated:
// the checker must be registered by then. Every error names its key
// ("checker: ...").
func (p *JobsProvider) ValidateConfig(c Component) error {
	_, _, err := p.parseConfig(c)
	return err
}

// Check reads the pipelines once and maps them to a state.
func (p *JobsProvider) Check(ctx context.Context, c Component) Result {
	cfg, checker, err := p.parseConfig(c)
	if err != nil {
		res := invalidConfig(err)
		res.Details = map[string]any{JobsDetailsKey: []JobsReport{}}
		return res
	}
	reports, err := checker.JobsState(ctx)
	if err != nil {
		return Result{State: StateDown, Message: fmt.Sprintf("jobs checker %q: %v", cfg.checker, err), Err: err,
			Details: map[string]any{JobsDetailsKey: []JobsReport{}, "checker": cfg.checker}}
	}
	reports = slices.Clone(reports)
	if reports == nil {
		reports = []JobsReport{}
	}
	slices.SortStableFunc(reports, func(a, b JobsReport) int { return strings.Compare(a.Pipeline, b.Pipeline) })
	return evaluateJobs(cfg, reports)
}

// evaluateJobs maps sorted pipeline reports to a check.
func evaluateJobs(cfg jobsConfig, reports []JobsReport) Result {
	ready := 0
	var problems []string
	for _, r := range reports {
		switch {
		case r.ErrorMessage != "":
			problems = append(problems, fmt.Sprintf("%s: %s", r.Pipeline, r.ErrorMessage))
		case !r.Ready:
			problems = append(problems, r.Pipeline+": not ready")
		default:
			ready++
		}
	}
	var backlog []string
	for _, r := range reports {
		if cfg.maxDelayed >= 0 && r.Delayed > cfg.maxDelayed {
			backlog = append(backlog, fmt.Sprintf("%s: %d delayed jobs (max_delayed %d)", r.Pipeline, r.Delayed, cfg.maxDelayed))
		}
		if cfg.maxActive >= 0 && r.Active > cfg.maxActive {
			backlog = append(backlog, fmt.Sprintf("%s: %d active jobs (max_active %d)", r.Pipeline, r.Active, cfg.maxActive))
		}
	}
	details := map[string]any{
		JobsDetailsKey: reports,
		"checker":      cfg.checker,
		"ready":        ready,
		"total":        len(reports),
	}
	switch {
	case len(reports) == 0:
		return Result{State: StateUp, Message: "no pipelines", Details: details}
	case ready == 0:
		msg := fmt.Sprintf("no pipeline ready (%d): %s", len(reports), strings.Join(problems, "; "))
		return Result{State: StateDown, Message: msg, Err: errors.New("no pipeline ready"), Details: details}
	case len(problems) > 0 || len(backlog) > 0:
		var parts []string
		if len(problems) > 0 {
			parts = append(parts, fmt.Sprintf("%d of %d pipelines not ready: %s", len(problems), len(reports), strings.Join(problems, "; ")))
		}
		parts = append(parts, backlog...)
		msg := strings.Join(parts, "; ")
		return Result{State: StateDegraded, Message: msg, Err: errors.New(msg), Details: details}
	default:
		return Result{State: StateUp, Message: fmt.Sprintf("%d pipelines ready", ready), Details: details}
	}
}

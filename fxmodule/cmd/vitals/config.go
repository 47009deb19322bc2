package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/internal/errlist"
)

const configUsage = `Usage: vitals config validate [flags] FILE

Load a Vitals config file (YAML) over the built-in defaults as the server
does, validate it, and build the checks it lists without running them: each
provider checks its own config, and a wasm check loads its module (module
paths are relative to the working directory, as for the server). Every
problem is printed on a line of its own, starting with its key path:
  health.checks[0].interval: "5 sec" is not a duration
Exit with:
  0  valid
  1  invalid (YAML syntax errors included)
  2  the file cannot be read, or a usage error

Examples:
  vitals config validate vitals.yaml
  VITALS_HEALTH__INTERVAL=5s vitals config validate --env --provider kafka vitals.yaml
  vitals config validate --jobs-checker emails vitals.yaml

A jobs check names a checker the app provides (group vitals.jobs), which a
file cannot show: without --jobs-checker every named checker is assumed
(and listed); with it, a check naming another one is an error.
`

func runConfigValidate(args []string, stdout, stderr io.Writer) int {
	c := newCLI("config validate", configUsage, stdout, stderr)
	env := c.flags.Bool("env", false, "also apply the VITALS_ environment variables, as a server loading with Env does")
	names := c.flags.StringArray("provider", nil, "accept checks of this provider, one the app registers itself (repeatable);\ntheir config is not checked")
	jobs := c.flags.StringArray("jobs-checker", nil, "a jobs checker the app provides (group vitals.jobs; repeatable): with it,\na jobs check naming another one is an error")
	rest, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	file := rest[0]
	if _, err := os.ReadFile(file); err != nil {
		return c.fail(exitError, "cannot read the config: %v", err)
	}
	cfg, err := config.Load(config.LoadOptions{File: file, Env: *env})
	loaded := err == nil
	if loaded {
		var extra []core.Provider
		for _, n := range *names {
			extra = append(extra, appProvider(n))
		}
		if c.flags.Changed("jobs-checker") {
			err = assemble.ValidateWithJobs(cfg, *jobs, extra...)
		} else {
			err = assemble.Validate(cfg, extra...)
		}
	}
	if err != nil {
		problems := errlist.Leaves(err)
		fmt.Fprintf(stdout, "%s: invalid, %d problem(s):\n", file, len(problems))
		for _, p := range problems {
			fmt.Fprintf(stdout, "  %v\n", p)
		}
		if !loaded {
			fmt.Fprintln(stdout, "(the checks' providers look at their config once these are fixed)")
		}
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: valid, %d check(s)\n", file, len(cfg.Health.Checks))
	if named := assemble.NamedJobsCheckers(cfg); len(named) > 0 && !c.flags.Changed("jobs-checker") {
		fmt.Fprintf(stdout, "  assumed: the app provides the jobs checker(s) %s (group vitals.jobs); start fails naming the key if not.\n  Pass --jobs-checker NAME for each one it provides to check this here.\n", strings.Join(named, ", "))
	}
	return exitOK
}

// appProvider stands for a provider the app registers: any config goes.
type appProvider string

// Name returns the provider's name.
func (p appProvider) Name() string { return string(p) }

// Check is never run by config validate.
func (p appProvider) Check(context.Context, core.Component) core.Result {
	return core.Result{State: core.StateUnknown, Message: "not run by vitals config validate"}
}

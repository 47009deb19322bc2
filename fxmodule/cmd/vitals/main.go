// Command vitals is the Vitals command-line tool: a health check for Docker
// HEALTHCHECK in images without curl, a "is another instance already
// running here?" test, a runner for one Wasm probe, and a config validator.
//
//	go install github.com/vitals-go/vitals/fxmodule/cmd/vitals@latest
//
// Run "vitals help" for the subcommands, their flags and exit codes.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes shared by every subcommand.
const (
	exitOK    = 0 // healthy, running, Up, valid
	exitFail  = 1 // unhealthy, free, not Up, invalid
	exitError = 2 // could not tell: usage, network, load or read error
)

const usage = `vitals: health checks, probes and config for Vitals services.

Usage:
  vitals check [--timeout 2s] [--token T] [-v] URL
  vitals running [--timeout 2s] ADDRESS|URL
  vitals probe run FILE.wasm [--config JSON|@file] [--allow GRANT]... [--timeout 5s] [-n N]
  vitals config validate [--env] FILE
  vitals help [COMMAND]

Commands:
  check            GET a Vitals endpoint: exit 0 on 2xx, 1 on any other
                   status (printed with the body's first lines), 2 when no
                   answer (bad URL, connection refused, timeout).
  running          Is a Vitals instance already serving on ADDRESS? Exit 0
                   "running", 1 "free" (nothing listens), 2 "in use" by
                   something else, or an error.
  probe run        Load one Wasm probe as the server's wasm provider does,
                   run it once or N times; exit 0 Up, 1 not Up, 2 load error.
  config validate  Load and validate a config file; exit 0 valid, 1 invalid
                   (every problem printed with its key path), 2 unreadable.

Examples:
  HEALTHCHECK --interval=10s --timeout=3s CMD ["/vitals", "check", "http://127.0.0.1:8080/health"]
  vitals check --token "$TOKEN" http://127.0.0.1:8080/ready
  vitals running :8080 && { echo "already running"; exit 1; }
  vitals probe run probes/orders.wasm --config '{"shard":7}' --allow orders.internal:5432 -n 20
  vitals config validate vitals.yaml

Run "vitals help COMMAND" (or "vitals COMMAND -h") for a command's flags.
`

// command runs one subcommand with its arguments and returns the exit
// code; "-h" prints its usage.
type command func(args []string, stdout, stderr io.Writer) int

// commandNames are the subcommands, as typed.
func commandNames() []string { return []string{"check", "running", "probe run", "config validate"} }

// commandNamed returns the subcommand called name, or nil.
func commandNamed(name string) command {
	switch name {
	case "check":
		return runCheck
	case "running":
		return runRunning
	case "probe run":
		return runProbe
	case "config validate":
		return runConfigValidate
	}
	return nil
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run dispatches to a subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	help := len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help")
	switch {
	case len(args) == 0:
		fmt.Fprint(stderr, usage)
		return exitError
	case help && len(args) == 1:
		fmt.Fprint(stdout, usage)
		return exitOK
	case help:
		args = append(args[1:], "-h") // "help check" is "check -h"
	}
	c, words := lookup(args)
	if c == nil {
		fmt.Fprintf(stderr, "vitals: unknown command %q\n\n%s", unknownName(args), usage)
		return exitError
	}
	return c(args[words:], stdout, stderr)
}

// lookup finds the command named by the first one or two words of args,
// and says how many words name it.
func lookup(args []string) (command, int) {
	if c := commandNamed(args[0]); c != nil {
		return c, 1
	}
	if len(args) > 1 {
		if c := commandNamed(args[0] + " " + args[1]); c != nil {
			return c, 2
		}
	}
	return nil, 0
}

// unknownName names an unknown command: its first word, or two when the
// first starts a known command ("probe walk").
func unknownName(args []string) string {
	for _, name := range commandNames() {
		if strings.HasPrefix(name, args[0]+" ") && len(args) > 1 && args[1] != "-h" {
			return args[0] + " " + args[1]
		}
	}
	return args[0]
}

// cli is what a subcommand works with: its flags and output streams.
type cli struct {
	name   string // "check", "probe run"
	text   string // usage text; the flags are listed after it
	flags  *pflag.FlagSet
	stdout io.Writer
	stderr io.Writer
}

// newCLI returns the cli of a subcommand, with an empty flag set taking
// GNU-style flags and arguments in any order.
func newCLI(name, text string, stdout, stderr io.Writer) *cli {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &cli{name: name, text: text, flags: fs, stdout: stdout, stderr: stderr}
}

func (c *cli) usage() string {
	return c.text + "\nFlags:\n" + c.flags.FlagUsages()
}

// parse parses args, which must leave exactly n arguments. When it
// returns false the command ends with code: 0 after -h (usage printed),
// 2 after a usage error.
func (c *cli) parse(args []string, n int) (rest []string, code int, ok bool) {
	err := c.flags.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		fmt.Fprint(c.stdout, c.usage())
		return nil, exitOK, false
	case err != nil:
		return nil, c.usageError("%v", err), false
	case c.flags.NArg() != n:
		return nil, c.usageError("want %d argument(s), got %d: %q", n, c.flags.NArg(), c.flags.Args()), false
	}
	return c.flags.Args(), 0, true
}

// usageError prints a usage problem and the usage, and returns 2.
func (c *cli) usageError(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "vitals %s: %s\n\n%s", c.name, fmt.Sprintf(format, args...), c.usage())
	return exitError
}

// fail prints "vitals NAME: message" to stderr and returns code.
func (c *cli) fail(code int, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "vitals %s: %s\n", c.name, fmt.Sprintf(format, args...))
	return code
}

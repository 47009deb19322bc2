package core_test

import (
	"context"

	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/coretest"
)

// The states by short names, for the tables of state tests.
const (
	U, Up, Deg, Down = core.StateUnknown, core.StateUp, core.StateDegraded, core.StateDown
)

// scripted is the engine test helpers' provider (coretest.Provider).
type scripted = coretest.Provider

func newScripted(name string) *scripted { return coretest.NewProvider(name) }

// manual returns components that never run on their own within a test: a
// long interval, so the test drives every check with Run.
func manual(name string, groups ...string) core.Component { return coretest.Manual(name, groups...) }

func newEngine(t *testing.T, opts ...core.Option) (*core.Engine, *scripted) {
	t.Helper()
	return coretest.NewEngine(t, opts...)
}

func mustRun(t *testing.T, e *core.Engine, name string) core.Result {
	t.Helper()
	c, err := e.Check(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustAdd(t *testing.T, e *core.Engine, c core.Component) {
	t.Helper()
	if err := e.Add(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

// wantConfigError runs p.ValidateConfig(c) as the subtest name: with no
// want (or one empty want) the config must be valid, else the error must
// contain every want and be one *confkit.FieldError per line.
func wantConfigError(t *testing.T, p core.ConfigValidator, name string, c core.Component, want ...string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		err := p.ValidateConfig(c)
		if len(want) == 0 || (len(want) == 1 && want[0] == "") {
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if err == nil {
			t.Fatalf("no error, want %q", want)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not contain %q", err, w)
			}
		}
		// Each problem is one *confkit.FieldError, one line.
		lines := strings.Split(err.Error(), "\n")
		if fields := confkit.Fields(err); len(fields) != len(lines) {
			t.Errorf("%d *confkit.FieldErrors for %d problems: %v", len(fields), len(lines), err)
		}
	})
}

// configCase is a row of a provider's ValidateConfig table: a config and
// the substrings its error must contain (none: valid).
type configCase struct {
	name string
	cfg  map[string]any
	want []string
}

// wantConfigErrors runs wantConfigError for each case, with c's Config
// set to the case's.
func wantConfigErrors(t *testing.T, p core.ConfigValidator, c core.Component, cases []configCase) {
	t.Helper()
	for _, tc := range cases {
		c.Config = tc.cfg
		wantConfigError(t, p, tc.name, c, tc.want...)
	}
}

// stateCase is a row of a provider's check table: a config, the check's
// timeout (0: 5 s), the state and a substring of the message it must
// give (checkJudged), and extra, what else the provider's test expects.
type stateCase[X any] struct {
	name    string
	cfg     map[string]any
	timeout time.Duration
	want    core.State
	msg     string
	extra   X
}

// checkStates checks each case with p as a parallel subtest (checkJudged),
// then calls also, when not nil, with the case and the result.
func checkStates[X any](t *testing.T, p core.Provider, cases []stateCase[X], also func(t *testing.T, tc stateCase[X], res core.Result)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := checkJudged(t, p, tc.cfg, tc.timeout, tc.want, tc.msg)
			if also != nil {
				also(t, tc, res)
			}
		})
	}
}

// checkJudged checks cfg with p (checkWithin) within timeout, 5 s when 0,
// and asserts the state, that the message contains msg, and that a result
// has an error exactly when it is not Up. It returns the result for the
// caller's own assertions.
func checkJudged(t *testing.T, p core.Provider, cfg map[string]any, timeout time.Duration, want core.State, msg string) core.Result {
	t.Helper()
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	res := checkWithin(t, p, cfg, timeout)
	if res.State != want || !strings.Contains(res.Message, msg) {
		t.Fatalf("got %s %q, want %s containing %q", res.State, res.Message, want, msg)
	}
	if (res.State == core.StateUp) != (res.Err == nil) {
		t.Errorf("state %s with err %v", res.State, res.Err)
	}
	return res
}

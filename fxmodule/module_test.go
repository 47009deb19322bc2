package fxmodule_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw/echoroute"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// Bad configuration fails fx.New with errors naming the keys, all of them.
func TestBadConfigFailsNew(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		opts []fx.Option
		want []string
	}{
		{"unknown key", "health: {lameduk: {period: 1s}}", nil, []string{"health.lameduk: unknown key"}},
		{"bad duration", "health: {checks: [{name: a, provider: tcp, interval: 5 sec}]}", nil,
			[]string{`health.checks[0].interval: "5 sec" is not a duration`}},
		{"unregistered provider", "health: {checks: [{name: a, provider: nope}]}", nil,
			[]string{`health.checks[0].provider: "nope" is not registered`}},
		{"provider config", "health: {checks: [{name: probe, provider: wasm, config: {}}]}", nil,
			[]string{"health.checks[0].config.module: is required"}},
		{"several at once", "health: {interval: x, details: y, checks: [{name: a}]}", nil,
			[]string{`health.interval: "x" is not a duration`, `health.details: "y"`, "health.checks[0].provider: is required"}},
		{"token with white space", `health: {token: "a b"}`, nil, []string{"health.token: must not contain white space"}},
		{"route collision", "health: {paths: {status: /healthz}}", nil,
			[]string{`health.paths.status: "/healthz" is already used by health.paths.aliases`}},
		{"server without echo", `server: {address: "127.0.0.1:0"}`, nil,
			[]string{`server.address: "127.0.0.1:0" is set but the app provides no *echo.Echo`}},
		{"bad app check", "", []fx.Option{appCheck(core.Component{Name: "bad name"}, func(context.Context) error { return nil })},
			[]string{`vitals.checks[0].name: "bad name" must be`}},
		{"provider name taken", "", []fx.Option{fx.Supply(fx.Annotate(
			core.CheckerFunc(func(context.Context) error { return nil }).Provider("wasm"),
			fx.As(new(core.Provider)), fx.ResultTags(`group:"vitals.providers"`)))},
			[]string{`vitals.providers[0]: core: provider "wasm" is already registered`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]fx.Option{fx.NopLogger, fxmodule.Module, supplyConfig(t, tc.yaml)}, tc.opts...)
			app := fx.New(opts...)
			err := app.Err()
			if err == nil {
				t.Fatal("fx.New succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
			if err := app.Start(context.Background()); err == nil {
				t.Error("Start succeeded after fx.New failed")
			}
		})
	}
}

// An app that already uses koanf provides its *koanf.Koanf: the module reads
// health.* and server.address from it, on top of the defaults.
func TestConfigFromAppKoanf(t *testing.T) {
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(map[string]any{
		"health.interval":        "7s",
		"health.lameduck.period": "0s",
		"app.name":               "orders",
	}, "."), nil); err != nil {
		t.Fatal(err)
	}
	var cfg *config.Config
	app := fxtest.New(t, fxmodule.Module, fx.Supply(k), fx.Populate(&cfg))
	defer app.RequireStart().RequireStop()
	if cfg.Health.Interval != 7*time.Second || cfg.Health.CheckTimeout != 5*time.Second {
		t.Errorf("interval, check_timeout = %s, %s", cfg.Health.Interval, cfg.Health.CheckTimeout)
	}
}

// The value groups feed the engine: app checks, providers named by
// health.checks, and jobs sources.
func TestValueGroups(t *testing.T) {
	type out struct {
		fx.Out
		Check    assemble.Check `group:"vitals.checks"`
		Provider core.Provider  `group:"vitals.providers"`
	}
	var eng *core.Engine
	app := fxtest.New(t, fxmodule.Module, fx.Populate(&eng),
		fx.Provide(func() out {
			return out{
				Check: assemble.Check{Component: core.Component{Name: "cache"}, Func: func(context.Context) error { return nil }},
				Provider: core.CheckerFunc(func(context.Context) error { return core.Degraded(context.DeadlineExceeded) }).
					Provider("queue"),
			}
		}),
		supplyConfig(t, "health: {lameduck: {period: 0s}, checks: [{name: orders-queue, provider: queue, critical: false}]}"),
	).RequireStart()
	defer app.RequireStop()
	if err := eng.ForceCheck(ctxTimeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	s := eng.Snapshot()
	for name, want := range map[string]core.State{"cache": core.StateUp, "orders-queue": core.StateDegraded} {
		cs, ok := s.Get(name)
		if !ok || cs.Result.State != want {
			t.Errorf("%s = %+v (found %v), want %s", name, cs.Result.State, ok, want)
		}
	}
}

// An app that loads the configuration itself hands it over with Supply;
// Timeouts sizes fx's timeouts from it.
func TestSupplyAndTimeouts(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{
		"health.lameduck.period": "0s", "health.lameduck.drain_timeout": "3s", "health.wait_for_ready": "2s",
	}})
	if err != nil {
		t.Fatal(err)
	}
	var got *config.Config
	app := fxtest.New(t, fxmodule.Supply(cfg), fxmodule.Timeouts(cfg), fxmodule.Module, fx.Populate(&got))
	if got != cfg {
		t.Error("the module did not use the supplied config")
	}
	if app.StartTimeout() != 17*time.Second || app.StopTimeout() != 18*time.Second {
		t.Errorf("start, stop timeouts = %s, %s", app.StartTimeout(), app.StopTimeout())
	}
	app.RequireStart().RequireStop()

	cfg.Health.Interval = 0
	if err := fx.New(fx.NopLogger, fxmodule.Supply(cfg), fxmodule.Module).Err(); err == nil ||
		!strings.Contains(err.Error(), "health.interval: 0s must be positive") {
		t.Errorf("fx.New with an invalid supplied config: %v", err)
	}
}

// Validate builds the engine unstarted, so providers check their config.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name, module, want string
	}{
		{"valid", "../testdata/wasm/noop.wasm", ""},
		{"missing module", "../testdata/wasm/none.wasm", "health.checks[0].config.module: ../testdata/wasm/none.wasm: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{
				"health.wasm.cache_dir": "-",
				"health.checks": []any{map[string]any{"name": "probe", "provider": "wasm",
					"config": map[string]any{"module": tc.module}}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			err = assemble.Validate(cfg)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}

// The health.wasm limits on what a module declares reach the provider.
func TestValidateWasmLimits(t *testing.T) {
	for _, tc := range []struct {
		key    string
		value  any
		module string
		want   string
	}{
		{"max_table_elements", 100, "table_big", "more than max_table_elements 100"},
		{"max_function_body_bytes", 16, "table_grow", "more than max_function_body_bytes 16"},
		{"max_module_bytes", 1024, "net", "larger than max_module_bytes 1024 bytes"},
	} {
		cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{
			"health.wasm.cache_dir":       "-",
			"health.wasm." + tc.key:       tc.value,
			"health.wasm.compile_timeout": "1m",
			"health.checks": []any{map[string]any{"name": "probe", "provider": "wasm",
				"config": map[string]any{"module": "../testdata/wasm/" + tc.module + ".wasm"}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if got := assemble.WasmOptions(cfg, nil).CompileTimeout; got != time.Minute {
			t.Errorf("compile_timeout: %s", got)
		}
		if err := assemble.Validate(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("health.wasm.%s %v: Validate = %v, want %q", tc.key, tc.value, err, tc.want)
		}
	}
}

// A configuration built in code (Supply) is validated as a loaded one:
// the token's white space is reported under its key, not by echomw.
func TestValidateToken(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Health.Token = "a b"
	if err := assemble.Validate(cfg); err == nil || !strings.Contains(err.Error(), "health.token: must not contain white space") {
		t.Errorf("Validate = %v", err)
	}
	app := fx.New(fx.NopLogger, fxmodule.Module, fxmodule.Supply(cfg), fx.Provide(newEcho))
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "health.token:") || strings.Contains(err.Error(), "echomw") {
		t.Errorf("fx.New error = %v", err)
	}
}

// The constructors work without fx.
func TestWithoutFx(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{
		"server.address": "127.0.0.1:0", "health.lameduck.period": "0s", "health.lameduck.signals": []any{},
	}})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := assemble.NewEngine(cfg, nil, nil, []assemble.Check{{
		Component: core.Component{Name: "db"}, Func: func(context.Context) error { return nil },
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := newEcho()
	if err := echoroute.RegisterWithConfig(e, eng, assemble.HandlerConfig(cfg)); err != nil {
		t.Fatal(err)
	}
	rt, err := lifecycle.New(cfg, eng, lifecycle.WithServer(e.Server, func(ln net.Listener) { e.Listener = ln }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxTimeout(t, 10*time.Second)
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got := status(base(t, rt) + "/hello"); got != 200 {
		t.Errorf("/hello = %d", got)
	}
	if err := rt.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

// Validate takes the jobs sources jobs checks name to be the app's, and
// still checks the rest of their config.
func TestValidateJobs(t *testing.T) {
	load := func(checks ...any) *config.Config {
		t.Helper()
		cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{"health.checks": checks}})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	ok := load(
		map[string]any{"name": "pipeline", "provider": "jobs"},
		map[string]any{"name": "mail", "provider": "jobs", "config": map[string]any{"checker": "pipeline", "max_delayed": 10}},
		map[string]any{"name": "other", "provider": "jobs", "config": map[string]any{"checker": "queue"}},
	)
	if err := assemble.Validate(ok); err != nil {
		t.Errorf("Validate = %v", err)
	}
	bad := load(map[string]any{"name": "q", "provider": "jobs", "config": map[string]any{"max_delayed": "lots"}})
	if err := assemble.Validate(bad); err == nil || !strings.Contains(err.Error(), "health.checks[0].config.max_delayed") {
		t.Errorf("Validate = %v, want an error about config.max_delayed", err)
	}
}

// TestWasmOptionsLimits checks that the host-wide and per-check network
// limits of health.wasm.* reach the wasm provider's options.
func TestWasmOptionsLimits(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{
		"health.wasm.max_concurrent_calls": 4,
		"health.wasm.max_net_calls":        8,
		"health.wasm.max_sockets":          12,
	}})
	if err != nil {
		t.Fatal(err)
	}
	o := assemble.WasmOptions(cfg, nil)
	if o.MaxConcurrentCalls != 4 || o.MaxNetCalls != 8 || o.MaxSockets != 12 {
		t.Fatalf("options %+v", o)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/knadh/koanf/parsers/yaml"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/internal/errlist"
	"github.com/vitals-go/vitals/wasmprobe"
)

const probeUsage = `Usage: vitals probe run [flags] FILE.wasm

Load one Wasm probe as the server's wasm provider does (the same checks of
the module and its config, the same sandbox and limits), run it once or N
times in a row, and print the result: state, message, details as JSON, and
the time each run took. The probe's logs (vitals.log, its stdout and
stderr, denied network calls) go to stderr. Exit with:
  0  every run was Up
  1  a run was Degraded, Down or Unknown (a timeout is Down)
  2  the probe could not be loaded (bad module or config), or a usage error

--config is the component's config, as health.checks[].config in the
server's file: a JSON or YAML object, inline or @FILE. The host keys
(allow, memory_pages, pool_size, max_*; see wasmprobe/ABI.md) are the
provider's, the rest goes to the probe. FILE.wasm is the module key.

--server-config loads the server's Vitals config file (over the built-in
defaults; VITALS_ variables with --env) and runs the probe with its
provider options, health.wasm.* (cache_dir, pool_size, memory_pages and
the max_* limits), and health.check_timeout as the default --timeout.
--cache-dir and --timeout, when given, still win.

Examples:
  vitals probe run probes/orders.wasm --config '{"shard":7}'
  vitals probe run probes/net.wasm --config @probe.yaml --allow db.internal:5432 -n 50
  vitals probe run probes/orders.wasm --server-config vitals.yaml
`

// grace is how long past its timeout a run is waited for before it is
// reported as Down and abandoned (the provider ends runs at the deadline).
const grace = time.Second

func runProbe(args []string, stdout, stderr io.Writer) int {
	c := newCLI("probe run", probeUsage, stdout, stderr)
	compConfig := c.flags.String("config", "", "component config: a JSON or YAML object, or @FILE")
	allow := c.flags.StringArray("allow", nil, "grant network access, added to the config's allow (repeatable):\nhttps://host/path/ for http_request, host:port or host:* for tcp_connect")
	timeout := c.flags.Duration("timeout", 5*time.Second, "deadline of each run, as the check's timeout")
	count := c.flags.IntP("count", "n", 1, "number of runs, one after the other")
	name := c.flags.String("name", "probe", "component name the probe is given")
	cacheDir := c.flags.String("cache-dir", "", "compiled-module cache, as health.wasm.cache_dir:\nempty: the user cache directory, -: none")
	logLevel := c.flags.String("log-level", "debug", "lowest level of the log lines printed: debug, info, warn, error")
	serverConfig := c.flags.String("server-config", "", "the server's Vitals config file: run with its health.wasm.* options\nand health.check_timeout")
	env := c.flags.Bool("env", false, "with --server-config, also apply the VITALS_ environment variables")
	rest, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	if *count < 1 {
		return c.usageError("-n must be at least 1")
	}
	if *timeout <= 0 {
		return c.usageError("--timeout must be positive")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return c.usageError("--log-level: %v", err)
	}
	cfg, err := componentConfig(rest[0], *compConfig, *allow)
	if err != nil {
		return c.fail(exitError, "%v", err)
	}

	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts := wasmprobe.Options{Logger: log, CacheDir: *cacheDir}
	if *serverConfig != "" {
		if _, err := os.ReadFile(*serverConfig); err != nil {
			return c.fail(exitError, "--server-config: %v", err)
		}
		scfg, err := config.Load(config.LoadOptions{File: *serverConfig, Env: *env})
		if err != nil {
			fmt.Fprintf(stderr, "vitals probe run: --server-config %s is invalid:\n", *serverConfig)
			for _, e := range errlist.Leaves(err) {
				fmt.Fprintf(stderr, "  %v\n", e)
			}
			return exitError
		}
		opts = assemble.WasmOptions(scfg, log)
		if c.flags.Changed("cache-dir") {
			opts.CacheDir = *cacheDir
		}
		if !c.flags.Changed("timeout") {
			*timeout = scfg.Health.CheckTimeout
		}
	}
	opts.DefaultTimeout = *timeout
	p, err := wasmprobe.NewProvider(ctx, opts)
	if err != nil {
		return c.fail(exitError, "%v", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(ctx, grace)
		defer cancel()
		_ = p.Close(ctx)
	}()

	comp := core.Component{Name: *name, Provider: wasmprobe.Name, Config: cfg, Timeout: *timeout}
	start := time.Now()
	if err := p.ValidateConfig(comp); err != nil {
		fmt.Fprintf(stderr, "vitals probe run: cannot load the probe:\n")
		for _, e := range errlist.Leaves(err) {
			fmt.Fprintf(stderr, "  %v\n", e)
		}
		return exitError
	}
	fmt.Fprintf(stdout, "loaded %s in %s\n", rest[0], round(time.Since(start)))

	var last core.Result
	var times []time.Duration
	states := map[core.State]int{}
	for range *count {
		res, took := runOnce(ctx, p, comp, *timeout)
		last = res
		times = append(times, took)
		states[res.State]++
	}
	printResult(stdout, last, times, states)
	if states[core.StateUp] == *count {
		return exitOK
	}
	return exitFail
}

// runOnce runs one check under timeout. A run that has not returned by
// timeout+grace is reported as Down and left behind, as the engine does.
func runOnce(ctx context.Context, p *wasmprobe.Provider, comp core.Component, timeout time.Duration) (core.Result, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	done := make(chan core.Result, 1)
	go func() { done <- p.Check(ctx, comp) }()
	t := time.NewTimer(timeout + grace)
	defer t.Stop()
	select {
	case res := <-done:
		return res, time.Since(start)
	case <-t.C:
		return core.Result{
			State:   core.StateDown,
			Message: fmt.Sprintf("timed out after %s and did not return", timeout),
		}, time.Since(start)
	}
}

func printResult(w io.Writer, res core.Result, times []time.Duration, states map[core.State]int) {
	if len(times) > 1 {
		var counts []string
		for _, s := range []core.State{core.StateUp, core.StateDegraded, core.StateDown, core.StateUnknown} {
			if n := states[s]; n > 0 {
				counts = append(counts, fmt.Sprintf("%s %d", s, n))
			}
		}
		fmt.Fprintf(w, "runs: %d (%s); the last one:\n", len(times), strings.Join(counts, ", "))
	}
	fmt.Fprintf(w, "state: %s\n", res.State)
	if res.Message != "" {
		fmt.Fprintf(w, "message: %s\n", escapeControl(res.Message))
	}
	if len(res.Details) > 0 {
		b, err := json.Marshal(res.Details)
		if err != nil {
			b = []byte(fmt.Sprintf("%q", fmt.Sprint(res.Details)))
		}
		fmt.Fprintf(w, "details: %s\n", b)
	}
	if len(times) == 1 {
		fmt.Fprintf(w, "time: %s\n", round(times[0]))
		return
	}
	s := slices.Clone(times)
	slices.Sort(s)
	median := s[len(s)/2]
	if len(s)%2 == 0 {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	fmt.Fprintf(w, "time: min %s, median %s, max %s\n", round(s[0]), round(median), round(s[len(s)-1]))
}

// escapeControl escapes what must not reach a terminal raw from a probe's
// message, as the JSON surfaces of the HTTP endpoints do: control bytes
// (C0, DEL, C1) as \n, \r, \t or \u00XX, U+2028 and U+2029 as \u2028 and
// \u2029, invalid UTF-8 as \ufffd. Everything else is kept as it is.
func escapeControl(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case needsEscape(r):
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hex[r>>shift&0xf])
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsEscape reports whether escapeControl escapes r.
func needsEscape(r rune) bool {
	return r < 0x20 || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

// componentConfig builds the component's config: --config, then module
// set to file and the --allow grants appended to allow.
func componentConfig(file, config string, allow []string) (map[string]any, error) {
	cfg := map[string]any{}
	if config != "" {
		b := []byte(config)
		if name, ok := strings.CutPrefix(config, "@"); ok {
			var err error
			if b, err = os.ReadFile(name); err != nil {
				return nil, fmt.Errorf("--config: %w", err)
			}
		}
		// The YAML parser of the server's config loader; JSON is YAML too.
		m, err := yaml.Parser().Unmarshal(b)
		if err != nil {
			return nil, fmt.Errorf("--config: not a JSON or YAML object: %w", err)
		}
		if m != nil {
			cfg = m
		}
	}
	if m, ok := cfg[wasmprobe.KeyModule]; ok && m != file {
		return nil, fmt.Errorf("--config: module is %v but the file to run is %s: leave module out", m, file)
	}
	cfg[wasmprobe.KeyModule] = file
	if len(allow) > 0 {
		var list []any
		switch v := cfg[wasmprobe.KeyAllow].(type) {
		case nil:
		case []any:
			list = v
		default:
			return nil, fmt.Errorf("--config: allow is %T, want a list", v)
		}
		for _, a := range allow {
			list = append(list, a)
		}
		cfg[wasmprobe.KeyAllow] = list
	}
	return cfg, nil
}

// round keeps durations readable: 3 significant digits or so.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

package wasmprobe

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestGoodProbes(t *testing.T) {
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		module  string
		state   core.State
		message string
		detail  string
		value   any
	}{
		{"noop", core.StateUp, "ok", "", nil},
		{"degraded", core.StateDegraded, "slow", "latency_ms", 1500.0},
		{"down", core.StateDown, "backend unreachable", "code", 503.0},
	} {
		t.Run(tc.module, func(t *testing.T) {
			c := component(tc.module, tc.module, time.Second)
			load(t, p, c)
			for range 3 {
				res := run(t, p, c)
				if res.State != tc.state || res.Message != tc.message || res.Err != nil {
					t.Fatalf("got %s %q (err %v), want %s %q", res.State, res.Message, res.Err, tc.state, tc.message)
				}
				if tc.detail != "" && res.Details[tc.detail] != tc.value {
					t.Fatalf("details %v, want %s=%v", res.Details, tc.detail, tc.value)
				}
			}
		})
	}
}

func TestInputAndInitialize(t *testing.T) {
	p, _ := newProvider(t, Options{})
	c := component("echo-probe", "echo", 3*time.Second,
		"target", "orders", "shard", 7, "nested", map[string]any{"a": []any{1, "x"}},
		KeyPoolSize, 1, KeyMaxLogLines, 5)
	for i := range 3 { // the guest traps unless _initialize ran exactly once per instance
		res := run(t, p, c)
		if res.State != core.StateUp {
			t.Fatalf("check %d: %s %q (%v)", i, res.State, res.Message, res.Err)
		}
		d := res.Details
		if d["name"] != "echo-probe" {
			t.Fatalf("name: %v", d)
		}
		cfg, _ := d["config"].(map[string]any)
		if cfg["target"] != "orders" || cfg["shard"] != 7.0 || cfg["nested"] == nil {
			t.Fatalf("config: %v", cfg)
		}
		for k := range cfg {
			if isHostKey(k) {
				t.Fatalf("host key %s passed to the guest: %v", k, cfg)
			}
		}
		if ms, _ := d["timeout_ms"].(float64); ms <= 0 || ms > 3000 {
			t.Fatalf("timeout_ms %v, want (0, 3000]", d["timeout_ms"])
		}
	}
}

// hostileCase is a module that must not pass, and must not break the host.
type hostileCase struct {
	module  string
	config  []any
	timeout time.Duration
	state   core.State
	message string // substring of the result's message
	details map[string]string
}

var hostileCases = []hostileCase{
	{module: "spin", timeout: 300 * time.Millisecond, state: core.StateDown, message: "did not finish vitals_check before the deadline"},
	{module: "spin_init", timeout: 300 * time.Millisecond, state: core.StateDown, message: "did not finish _initialize before the deadline"},
	{module: "spin_start", timeout: 300 * time.Millisecond, state: core.StateDown, message: "did not finish instantiation (start function) before the deadline"},
	{module: "sleep", timeout: 300 * time.Millisecond, state: core.StateDown, message: "did not finish vitals_check before the deadline"},
	{module: "recurse", timeout: 5 * time.Second, state: core.StateUnknown, message: "wasm probe trapped in vitals_check: stack overflow"},
	{module: "unreachable", timeout: time.Second, state: core.StateUnknown, message: "wasm probe trapped in vitals_check: wasm error: unreachable"},
	{module: "badstatus", timeout: time.Second, state: core.StateUnknown, message: "abi: status 7 is not 0, 1 or 2"},
	{module: "biglen", timeout: time.Second, state: core.StateUnknown, message: "abi: output length 99999 exceeds buffer size 65536"},
	{module: "badjson", timeout: time.Second, state: core.StateUnknown, message: `abi: output is not a JSON object {"message","details"}: does not start with {: "not json"`},
	{module: "badbuffer", timeout: time.Second, state: core.StateUnknown, message: "abi: buffer [60000, 125536) from vitals_buffer and vitals_buffer_size is outside memory (65536 bytes)"},
	{module: "down", config: []any{KeyMaxOutputBytes, 10}, timeout: time.Second, state: core.StateUnknown, message: "abi: output length 56 exceeds max_output_bytes 10"},
	{module: "echo", config: []any{"blob", strings.Repeat("x", 70000)}, timeout: time.Second, state: core.StateUnknown, message: "abi: input of 70"},
	{module: "oob_log", timeout: time.Second, state: core.StateUnknown, message: "abi: log: bytes [4294967040, 4294968040) are outside memory (131072 bytes)"},
	{module: "oob_http", timeout: time.Second, state: core.StateDown, message: "bad request -4"},
	{module: "oob_tcp", timeout: time.Second, state: core.StateDown, message: "bad request -4"},
	{module: "wasi_open", timeout: time.Second, state: core.StateDown, message: "path_open denied"},
	{module: "stdio", timeout: time.Second, state: core.StateUnknown, message: "wasm error: unreachable",
		details: map[string]string{"stdout": "hello from stdout\n", "stderr": "panic: something broke\n"}},
	{module: "stdio", config: []any{KeyMaxStdioBytes, 5}, timeout: time.Second, state: core.StateUnknown, message: "wasm error: unreachable",
		details: map[string]string{"stdout": "hello… [13 more bytes dropped]", "stderr": "panic… [18 more bytes dropped]"}},
	{module: "exit", timeout: time.Second, state: core.StateUnknown, message: "wasm probe exited with code 3 in vitals_check"},
	{module: "grow", timeout: 5 * time.Second, state: core.StateDown, message: "memory exhausted"},
	// The one hostile module that is Up: log spam is capped (TestLogCaps),
	// the check itself is fine (ABI.md, section 9).
	{module: "logspam", timeout: 5 * time.Second, state: core.StateUp, message: "ok"},
	// Sizes a module declares (ABI.md, section 8): a table grown to the
	// budget and no further, and declarations refused at load.
	{module: "table_grow", timeout: 5 * time.Second, state: core.StateDown, message: "table exhausted",
		details: map[string]string{"size": strconv.Itoa(DefaultMaxTableElements)}},
	{module: "table_big", timeout: time.Second, state: core.StateUnknown, message: "table_big.wasm: tables declare 536870912 elements at minimum, more than max_table_elements 262144"},
	{module: "locals", timeout: time.Second, state: core.StateUnknown, message: "locals.wasm: function body 3 declares 4294967295 locals, more than max_function_locals 50000"},
	{module: "functions", timeout: time.Second, state: core.StateUnknown, message: "functions.wasm: section 3: declares 134217728 entries in 4 bytes"},
	{module: "globals", timeout: time.Second, state: core.StateUnknown, message: "globals.wasm: section 6: declares 4294967295 entries in 5 bytes"},
	{module: "names", timeout: time.Second, state: core.StateUnknown, message: "names.wasm: name section: subsection 1 declares 4294967295 entries in 3 bytes"},
	{module: "net", config: []any{"request", map[string]any{"url": "http://127.0.0.1:9/"}}, timeout: time.Second, state: core.StateDown, message: "http_request failed",
		details: map[string]string{"code": "-1"}},
	{module: "net", config: []any{"addr", "127.0.0.1:9"}, timeout: time.Second, state: core.StateDown, message: "tcp_connect",
		details: map[string]string{"code": "-1"}},
	// Network floods (100000 calls each) stop at the check's budget: -6.
	// TestNetBudget counts what reaches a listener.
	{module: "netloop", config: []any{"addr", "127.0.0.1:9", KeyAllow, []any{"127.0.0.1:9"}}, timeout: 5 * time.Second, state: core.StateDown, message: "netloop",
		details: map[string]string{"code": "-6"}},
	{module: "netloop", config: []any{"request", map[string]any{"url": "http://127.0.0.1:9/"}, KeyAllow, []any{"http://127.0.0.1:9/"}}, timeout: 5 * time.Second, state: core.StateDown, message: "netloop",
		details: map[string]string{"code": "-6"}},
}

// TestHostile runs every hostile module on one provider, twice each, and a
// good probe after each, on the same provider.
func TestHostile(t *testing.T) {
	p, _ := newProvider(t, Options{})
	for i, tc := range hostileCases {
		t.Run(tc.module, func(t *testing.T) {
			c := component(tc.module+"-"+string(rune('a'+i)), tc.module, tc.timeout, tc.config...)
			for range 2 { // the second run uses a fresh instance or the reused one
				res := run(t, p, c)
				checkHostile(t, tc, res)
				assertServing(t, p)
			}
		})
	}
}

// TestHostileConcurrent runs all hostile modules at once with good probes
// in between.
func TestHostileConcurrent(t *testing.T) {
	p, _ := newProvider(t, Options{})
	checkHostileAtOnce(t, p)
}

// checkHostileAtOnce checks the whole hostile corpus on p at once, with
// good probes in between, and then a good probe.
func checkHostileAtOnce(t *testing.T, p *Provider) {
	t.Helper()
	comps := make([]core.Component, len(hostileCases))
	for i, tc := range hostileCases {
		comps[i] = component(tc.module+"-"+strconv.Itoa(i), tc.module, tc.timeout, tc.config...)
		// Loaded first, as the engine does when a component is added, so
		// that the checks below, all at once, do not also compile.
		_ = p.ValidateConfig(comps[i])
	}
	var wg sync.WaitGroup
	for i, tc := range hostileCases {
		wg.Go(func() {
			checkHostile(t, tc, run(t, p, comps[i]))
		})
		wg.Go(func() { assertServing(t, p) })
	}
	wg.Wait()
	assertServing(t, p)
}

func checkHostile(t *testing.T, tc hostileCase, res core.Result) {
	t.Helper()
	if res.State == core.StateUp && tc.state != core.StateUp {
		t.Errorf("%s: passed: %q", tc.module, res.Message)
		return
	}
	if res.State != tc.state || !strings.Contains(res.Message, tc.message) {
		t.Errorf("%s: got %s %q (err %v), want %s containing %q", tc.module, res.State, res.Message, res.Err, tc.state, tc.message)
		return
	}
	for k, want := range tc.details {
		if got := fmt.Sprint(res.Details[k]); got != want {
			t.Errorf("%s: details[%s] = %q, want %q (details %v)", tc.module, k, got, want, res.Details)
		}
	}
}

// TestMemoryCap checks that the memory.grow bomb stops at memory_pages.
func TestMemoryCap(t *testing.T) {
	p, _ := newProvider(t, Options{})
	for _, pages := range []int{0, 64} {
		c := component("grow-"+strconv.Itoa(pages), "grow", 5*time.Second, KeyPoolSize, 1)
		want := uint32(DefaultMemoryPages)
		if pages > 0 {
			c.Config[KeyMemoryPages] = pages
			want = uint32(pages)
		}
		res := run(t, p, c)
		if res.State != core.StateDown || res.Message != "memory exhausted" {
			t.Fatalf("got %s %q (%v)", res.State, res.Message, res.Err)
		}
		pr, err := p.probeFor(context.Background(), c, false)
		if err != nil {
			t.Fatal(err)
		}
		inst := <-pr.pool.slots
		if inst == nil {
			t.Fatal("no instance kept after a clean check")
		}
		if got := inst.mem.Size() / 65536; got != want {
			t.Errorf("memory after the bomb: %d pages, want exactly the cap %d", got, want)
		}
		pr.pool.put(inst)
	}
	assertServing(t, p)
}

// TestBrokenInstanceReplaced checks that an instance that trapped or timed
// out is closed and not reused, while one that returned cleanly is.
func TestBrokenInstanceReplaced(t *testing.T) {
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		module string
		reuse  bool
	}{{"noop", true}, {"down", true}, {"unreachable", false}, {"spin", false}, {"badstatus", false}} {
		c := component("replace-"+tc.module, tc.module, 200*time.Millisecond, KeyPoolSize, 1)
		run(t, p, c)
		pr, _ := p.probeFor(context.Background(), c, false)
		inst := <-pr.pool.slots
		if (inst != nil) != tc.reuse {
			t.Errorf("%s: instance kept = %v, want %v", tc.module, inst != nil, tc.reuse)
		}
		if inst != nil && inst.mod.IsClosed() {
			t.Errorf("%s: a closed instance was kept", tc.module)
		}
		pr.pool.put(inst)
		run(t, p, c) // and the next check still runs
	}
}

// TestPoolBusy checks that calls beyond the pool size wait for an instance
// no longer than their deadline.
func TestPoolBusy(t *testing.T) {
	p, _ := newProvider(t, Options{})
	c := component("busy", "spin", 300*time.Millisecond, KeyPoolSize, 1)
	var wg sync.WaitGroup
	results := make([]core.Result, 3)
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	start := time.Now()
	for i := range results {
		wg.Go(func() { results[i] = p.Check(ctx, c) })
	}
	wg.Wait()
	if d := time.Since(start); d > c.Timeout+margin {
		t.Errorf("checks took %s, timeout %s", d, c.Timeout)
	}
	busy := 0
	for _, r := range results {
		if r.State != core.StateDown {
			t.Fatalf("got %s %q", r.State, r.Message)
		}
		if strings.Contains(r.Message, "stayed busy") {
			busy++
		}
	}
	if busy != 2 {
		t.Errorf("%d of 3 calls waited for the single instance, want 2: %v", busy, results)
	}
	assertServing(t, p)
}

func TestConcurrentChecks(t *testing.T) {
	p, _ := newProvider(t, Options{})
	comps := []core.Component{
		component("c-echo", "echo", 5*time.Second, "k", "v"),
		component("c-noop", "noop", 5*time.Second, KeyPoolSize, 3),
		component("c-degraded", "degraded", 5*time.Second),
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				c := comps[(g+i)%len(comps)]
				res := run(t, p, c)
				if res.State == core.StateDown || res.State == core.StateUnknown {
					t.Errorf("%s: %s %q", c.Name, res.State, res.Message)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLogCaps(t *testing.T) {
	p, sink := newProvider(t, Options{})
	c := component("spammer", "logspam", 5*time.Second)
	for range 2 {
		sink.reset()
		res := run(t, p, c)
		if res.State != core.StateUp {
			t.Fatalf("got %s %q", res.State, res.Message)
		}
		lines := sink.records(t, "AAAA")
		if len(lines) != DefaultMaxLogLines {
			t.Fatalf("%d lines logged, want %d", len(lines), DefaultMaxLogLines)
		}
		levels := map[string]int{}
		for _, l := range lines {
			msg := l["msg"].(string)
			if !strings.HasPrefix(msg, strings.Repeat("A", DefaultMaxLogLineBytes)+"… [truncated 1024 bytes]") || len(msg) > DefaultMaxLogLineBytes+40 {
				t.Fatalf("line not truncated with a marker: %d bytes, ends %q", len(msg), msg[len(msg)-30:])
			}
			if l["probe"] != "spammer" || l["module"] != wasmFile("logspam") {
				t.Fatalf("attrs: %v", l)
			}
			levels[l["level"].(string)]++
		}
		if levels["DEBUG"] != 5 || levels["INFO"] != 5 || levels["WARN"] != 5 || levels["ERROR"] != 5 {
			t.Errorf("levels %v, want 5 of each", levels)
		}
		sum := sink.records(t, "wasm probe log lines dropped")
		if len(sum) != 1 || sum[0]["dropped"] != 980.0 || sum[0]["probe"] != "spammer" {
			t.Fatalf("summary: %v", sum)
		}
	}
	// max_log_lines 0 drops everything, still with one summary.
	sink.reset()
	c = component("quiet", "logspam", 5*time.Second, KeyMaxLogLines, 0)
	run(t, p, c)
	if n := len(sink.records(t, "AAAA")); n != 0 {
		t.Fatalf("%d lines logged with max_log_lines 0", n)
	}
	if sum := sink.records(t, "wasm probe log lines dropped"); len(sum) != 1 || sum[0]["dropped"] != 1000.0 {
		t.Fatalf("summary: %v", sum)
	}
}

// TestCloseStopsEverything checks Close while checks run, and after.
func TestCloseStopsEverything(t *testing.T) {
	p, err := NewProvider(context.Background(), Options{CacheDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	c := component("sleeper", "sleep", 10*time.Second)
	done := make(chan core.Result)
	go func() { done <- run(t, p, c) }()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.State == core.StateUp || time.Since(start) > margin {
		t.Fatalf("sleeping check after Close: %s %q after %s", res.State, res.Message, time.Since(start))
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatalf("second close: %v", err)
	}
	res = run(t, p, component("after", "noop", time.Second))
	if res.State != core.StateUnknown || res.Err != ErrClosed {
		t.Fatalf("check after close: %s %q", res.State, res.Message)
	}
}

// TestLogsDuringInstantiation checks that the start function and
// _initialize can log, and that their lines count with the first check.
func TestLogsDuringInstantiation(t *testing.T) {
	p, sink := newProvider(t, Options{})
	c := component("initlog", "initlog", time.Second, KeyPoolSize, 1)
	if res := run(t, p, c); res.State != core.StateUp {
		t.Fatalf("got %s %q", res.State, res.Message)
	}
	if n := len(sink.records(t, "start line")); n != DefaultMaxLogLines {
		t.Fatalf("%d start lines logged, want %d", n, DefaultMaxLogLines)
	}
	if sum := sink.records(t, "wasm probe log lines dropped"); len(sum) != 1 || sum[0]["dropped"] != 11.0 {
		t.Fatalf("summary: %v", sum)
	}
	sink.reset()
	run(t, p, c)
	if n := len(sink.records(t, "")); n != 0 {
		t.Fatalf("second check logged %d lines", n)
	}
}

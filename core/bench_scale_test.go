package core_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
)

// The scale benchmarks, with the environment variables that widen them
// beyond what .ci/run runs (see BENCHMARKS.md).
const (
	listenersEnv  = "VITALS_BENCH_LISTENERS"  // set in the listener process
	componentsEnv = "VITALS_BENCH_COMPONENTS" // an extra size for BenchmarkScheduledTCP
	intervalEnv   = "VITALS_BENCH_INTERVAL"   // its interval (default 10s)
	jitterEnv     = "VITALS_BENCH_JITTER"     // jitter of every size (default 0)
	warmupEnv     = "VITALS_BENCH_WARMUP"     // rounds before measuring (default 2)
)

// serveListeners is the listener process (testnet.ServeListeners), with
// the number of listeners listenersEnv says.
func serveListeners() int { return testnet.ServeListeners(listenersEnv, os.Getenv(listenersEnv)) }

// startListeners runs n loopback listeners in another process (this test
// binary, see TestMain), as the dependencies checked would be: the
// benchmark's CPU time and allocations are then the checking side's only.
func startListeners(b *testing.B, n int) []string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), listenersEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	var addrs []string
	for len(addrs) < n && sc.Scan() {
		addrs = append(addrs, sc.Text())
	}
	if len(addrs) < n {
		b.Fatalf("listener process gave %d addresses of %d: %v", len(addrs), n, sc.Err())
	}
	return addrs
}

// timedTCP is the tcp provider noting when each component's check starts:
// the gap between two starts minus the interval is the lateness.
type timedTCP struct {
	core.TCPProvider
	interval time.Duration
	index    map[string]int // read-only once checks run
	last     []atomic.Int64 // per component: unix ns of the last start
	checks   atomic.Int64
	target   atomic.Int64                  // the count whose check closes reached
	reached  atomic.Pointer[chan struct{}] // see waitChecks

	mu        sync.Mutex
	measuring bool
	late      []time.Duration
}

func (p *timedTCP) Check(ctx context.Context, c core.Component) core.Result {
	now := time.Now().UnixNano()
	if prev := p.last[p.index[c.Name]].Swap(now); prev != 0 {
		p.mu.Lock()
		if p.measuring {
			p.late = append(p.late, time.Duration(now-prev)-p.interval)
		}
		p.mu.Unlock()
	}
	if n := p.checks.Add(1); p.target.CompareAndSwap(n, 0) {
		close(*p.reached.Load())
	}
	return p.TCPProvider.Check(ctx, c)
}

func envOr[T any](b *testing.B, name string, def T, parse func(string) (T, error)) T {
	b.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := parse(s)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return v
}

// BenchmarkScheduledTCP runs an engine as a service does: n tcp
// components checked on their interval (10 s) by the scheduler, against 8
// loopback listeners in another process, memory stores, jitter 0 (every
// component's first check at once, the worst burst). After two warm-up
// rounds, an op is one scheduled check: B/op and allocs/op are the
// process's allocations per check. Metrics: cpu-us/check (user+system,
// this process), late-p50-ms and late-p99-ms (gap between two starts of a
// component's check minus its interval), ran-% (checks run over checks
// scheduled in the measured time; meaningful over whole intervals),
// heap-MB/1000 (live heap after the run, per 1,000 components) and drops
// (results the store queue dropped).
func BenchmarkScheduledTCP(b *testing.B) {
	sizes := []int{1000, 10000}
	if n := envOr(b, componentsEnv, 0, strconv.Atoi); n > 0 {
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) { benchScheduled(b, n) })
	}
}

func benchScheduled(b *testing.B, n int) {
	interval := envOr(b, intervalEnv, 10*time.Second, time.ParseDuration)
	jitter := envOr(b, jitterEnv, 0.0, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	// Two rounds: the first checks all at once, the second each at its
	// spread point in the interval; from the third on, an interval apart.
	warmup := envOr(b, warmupEnv, 2, strconv.Atoi)
	addrs := startListeners(b, 8)
	p := &timedTCP{interval: interval, index: make(map[string]int, n), last: make([]atomic.Int64, n)}
	comps := make([]core.Component, n)
	for i := range comps {
		name := fmt.Sprintf("tcp%06d", i)
		p.index[name] = i
		comps[i] = core.Component{Name: name, Provider: "tcp", Config: map[string]any{"address": addrs[i%len(addrs)]},
			Interval: interval, Timeout: 5 * time.Second}
	}
	e, err := core.New(core.WithProviders(p), core.WithJitter(jitter), core.WithComponents(comps...))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := e.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			b.Error(err)
		}
	})
	// waitChecks returns once target checks have started. It sleeps until
	// then: a polling loop would wake the process hundreds of times a
	// second and count in the CPU per check.
	waitChecks := func(target int64) {
		p.target.Store(0) // no check closes the channel of an earlier wait
		ch := make(chan struct{})
		p.reached.Store(&ch)
		p.target.Store(target)
		if p.checks.Load() < target {
			<-ch
		}
	}
	waitChecks(int64(warmup * n))
	p.mu.Lock()
	p.measuring, p.late = true, make([]time.Duration, 0, b.N+n)
	p.mu.Unlock()
	cpu0 := cpuTime()
	from := p.checks.Load()
	b.ReportAllocs()
	b.ResetTimer()
	waitChecks(from + int64(b.N))
	b.StopTimer()
	ran := p.checks.Load() - from
	cpu := cpuTime() - cpu0
	p.mu.Lock()
	p.measuring = false
	late := slices.Clone(p.late)
	p.mu.Unlock()

	b.ReportMetric(float64(cpu.Microseconds())/float64(ran), "cpu-us/check")
	scheduled := float64(n) * b.Elapsed().Seconds() / interval.Seconds()
	b.ReportMetric(100*float64(ran)/scheduled, "ran-%")
	if len(late) > 0 {
		slices.Sort(late)
		b.ReportMetric(float64(late[len(late)/2].Microseconds())/1000, "late-p50-ms")
		p99 := late[len(late)*99/100]
		b.ReportMetric(float64(p99.Microseconds())/1000, "late-p99-ms")
		if jitter > 0 {
			// The jitter alone, uniform in ±jitter×interval, has its
			// p99 at 0.98×jitter×interval: what is left is lateness.
			pure := time.Duration(0.98 * jitter * float64(interval))
			b.ReportMetric(float64((p99-pure).Microseconds())/1000, "late-p99-beyond-jitter-ms")
		}
	}
	b.ReportMetric(float64(e.StoreStats().Dropped), "drops")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20)/float64(n)*1000, "heap-MB/1000")
	for _, cs := range e.Snapshot().Components {
		if cs.Result.State != core.StateUp {
			b.Fatalf("%s: %s %q", cs.Component.Name, cs.Result.State, cs.Result.Message)
		}
	}
}

// cpuTime is this process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRegister10000 measures registering 10,000 tcp components on an
// engine not started: AddAll (what New's WithComponents, Start and
// fxmodule's health.checks use), and Add one at a time, which publishes a
// snapshot each.
func BenchmarkRegister10000(b *testing.B) {
	comps := make([]core.Component, 10000)
	for i := range comps {
		comps[i] = core.Component{Name: fmt.Sprintf("tcp%05d", i), Provider: "tcp", Config: map[string]any{"address": "127.0.0.1:1"}}
	}
	ctx := context.Background()
	register := map[string]func(*core.Engine) error{
		"AddAll": func(e *core.Engine) error {
			if errs := e.AddAll(ctx, comps); errs != nil {
				return fmt.Errorf("%v", errs)
			}
			return nil
		},
		"Add": func(e *core.Engine) error {
			for _, c := range comps {
				if err := e.Add(ctx, c); err != nil {
					return err
				}
			}
			return nil
		},
	}
	for _, how := range []string{"AddAll", "Add"} {
		b.Run(how, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e, err := core.New(core.WithProviders(&core.TCPProvider{}))
				if err != nil {
					b.Fatal(err)
				}
				if err := register[how](e); err != nil {
					b.Fatal(err)
				}
				if got := len(e.Snapshot().Components); got != len(comps) {
					b.Fatalf("%d components published, want %d", got, len(comps))
				}
				if err := e.Stop(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// blockingStore is a check store whose writes block, ignoring their
// context, until release is closed.
type blockingStore struct {
	*core.MemoryStore
	release chan struct{}
}

func (s *blockingStore) RecordResult(ctx context.Context, c core.Result) error {
	<-s.release
	return s.MemoryStore.RecordResult(ctx, c)
}

func (s *blockingStore) ForgetResults(ctx context.Context, name string) error {
	<-s.release
	return s.MemoryStore.ForgetResults(ctx, name)
}

// BenchmarkStoreBlocked is Run of one of 1,000 components with the memory
// check store, and with a store whose writes block until the benchmark
// ends: the check does not wait for the store either way. With the
// blocked store, the queue (1,000) fills and the rest is dropped and
// counted (drops/op).
func BenchmarkStoreBlocked(b *testing.B) {
	for _, blocked := range []bool{false, true} {
		b.Run(fmt.Sprintf("blocked=%v", blocked), func(b *testing.B) {
			var store core.ResultStore = core.NewMemoryStore(0)
			if blocked {
				store = &blockingStore{MemoryStore: core.NewMemoryStore(0), release: make(chan struct{})}
			}
			e := benchEngine(b, core.WithProviders(newScripted("scripted")), core.WithStores(nil, store), core.WithStoreQueue(1000, 0))
			if blocked {
				b.Cleanup(func() { close(store.(*blockingStore).release) }) // before benchEngine's Stop
			}
			names := make([]string, 1000)
			for i := range names {
				names[i] = fmt.Sprintf("c%04d", i)
				if err := e.Add(context.Background(), manual(names[i])); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.Check(ctx, names[i%len(names)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(e.StoreStats().Dropped)/float64(b.N), "drops/op")
		})
	}
}

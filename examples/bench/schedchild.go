package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	gosundheit "github.com/AppsFlyer/go-sundheit"
	"github.com/AppsFlyer/go-sundheit/checks"
	alex "github.com/alexliesenfeld/health"

	"github.com/vitals-go/vitals/core"
)

// checkTimeout is every scheduled check's timeout.
const checkTimeout = 5 * time.Second

// recorder notes when each component's check starts (the gap between two
// starts minus the interval is its lateness) and counts checks and
// failures; every library's check goes through it.
type recorder struct {
	interval time.Duration
	last     []atomic.Int64 // per component: unix ns of the last start
	checks   atomic.Int64
	failed   atomic.Int64

	mu        sync.Mutex
	measuring bool
	late      []time.Duration
}

func (r *recorder) start(i int) {
	now := time.Now().UnixNano()
	if prev := r.last[i].Swap(now); prev != 0 {
		r.mu.Lock()
		if r.measuring {
			r.late = append(r.late, time.Duration(now-prev)-r.interval)
		}
		r.mu.Unlock()
	}
	r.checks.Add(1)
}

// dial is the peers' tcp check: connect and close, as Vitals' tcp
// provider does without send/expect.
func (r *recorder) dial(ctx context.Context, i int, addr string) error {
	r.start(i)
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		r.failed.Add(1)
		return err
	}
	return c.Close()
}

// vitalsTCP is Vitals' own tcp provider, recorded.
type vitalsTCP struct {
	core.TCPProvider
	r     *recorder
	index map[string]int
}

func (p *vitalsTCP) Check(ctx context.Context, c core.Component) core.Result {
	p.r.start(p.index[c.Name])
	res := p.TCPProvider.Check(ctx, c)
	if res.State != core.StateUp {
		p.r.failed.Add(1)
	}
	return res
}

// register starts n tcp checks of lib at interval, jitter 0 and no
// initial delay for all (every first check at once: the worst burst), and
// returns what stops them.
func register(lib string, n int, interval time.Duration, addrs []string, r *recorder) (func(), error) {
	name := func(i int) string { return fmt.Sprintf("tcp%06d", i) }
	switch lib {
	case "vitals":
		p := &vitalsTCP{r: r, index: make(map[string]int, n)}
		comps := make([]core.Component, n)
		for i := range comps {
			p.index[name(i)] = i
			comps[i] = core.Component{Name: name(i), Provider: "tcp", Config: map[string]any{"address": addrs[i%len(addrs)]},
				Interval: interval, Timeout: checkTimeout}
		}
		e, err := core.New(core.WithProviders(p), core.WithJitter(0), core.WithComponents(comps...))
		if err != nil {
			return nil, err
		}
		if err := e.Start(context.Background()); err != nil {
			return nil, err
		}
		return func() { _ = e.Stop(context.Background()) }, nil
	case "alexliesenfeld":
		options := []alex.CheckerOption{alex.WithTimeout(checkTimeout)}
		for i := range n {
			addr := addrs[i%len(addrs)]
			options = append(options, alex.WithPeriodicCheck(interval, 0, alex.Check{Name: name(i), Timeout: checkTimeout,
				Check: func(ctx context.Context) error { return r.dial(ctx, i, addr) }}))
		}
		c := alex.NewChecker(options...)
		return c.Stop, nil
	case "sundheit":
		h := gosundheit.New()
		for i := range n {
			addr := addrs[i%len(addrs)]
			c := &checks.CustomCheck{CheckName: name(i), CheckFunc: func(ctx context.Context) (any, error) { return nil, r.dial(ctx, i, addr) }}
			if err := h.RegisterCheck(c, gosundheit.ExecutionPeriod(interval), gosundheit.ExecutionTimeout(checkTimeout)); err != nil {
				return nil, err
			}
		}
		return h.DeregisterAll, nil
	}
	return nil, fmt.Errorf("unknown library %q", lib)
}

// schedChild measures one cell for one library in this fresh process:
// register, warm up, measure whole intervals, report.
// The child process exits without stopping the library (stopAfter
// false): its stop is not measured, and go-sundheit's takes minutes at
// 10,000 checks.
func schedChild(args []string, stopAfter bool) (map[string]float64, error) {
	lib := args[0]
	n, err1 := strconv.Atoi(args[1])
	interval, err2 := time.ParseDuration(args[2])
	warmup, err3 := strconv.Atoi(args[3])
	measured, err4 := strconv.Atoi(args[4])
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	addrs := strings.Split(args[5], ",")
	r := &recorder{interval: interval, last: make([]atomic.Int64, n)}
	runtime.GC()
	rss0, heap0 := rss(), heapAlloc()

	t0 := time.Now()
	stop, err := register(lib, n, interval, addrs, r)
	if err != nil {
		return nil, err
	}
	registerTime := time.Since(t0)
	if stopAfter {
		defer stop()
	}

	limit := time.Now().Add(time.Duration(warmup+2)*interval + time.Minute)
	for r.checks.Load() < int64(warmup*n) {
		if time.Now().After(limit) {
			return nil, fmt.Errorf("%s: %d checks of %d warm-up checks after %s", lib, r.checks.Load(), warmup*n, time.Duration(warmup+2)*interval+time.Minute)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Start half an interval after the warm-up: with every first check at
	// once, each round is a burst, and a window from burst to burst would
	// count 2 or 3 bursts in 3 intervals depending on a few ms of drift.
	time.Sleep(interval / 2)
	r.mu.Lock()
	r.measuring, r.late = true, make([]time.Duration, 0, measured*n+n)
	r.mu.Unlock()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0, from, failed0, start := cpuTime(), r.checks.Load(), r.failed.Load(), time.Now()
	time.Sleep(time.Duration(measured) * interval)
	ran, el, cpu := r.checks.Load()-from, time.Since(start), cpuTime()-cpu0
	runtime.ReadMemStats(&m1)
	r.mu.Lock()
	r.measuring = false
	late := slices.Clone(r.late)
	r.mu.Unlock()
	runtime.GC()
	heap, resident := heapAlloc()-heap0, rss()-rss0

	m := map[string]float64{"register ms": float64(registerTime.Microseconds()) / 1000,
		"failed checks": float64(r.failed.Load() - failed0)}
	if ran > 0 {
		m["ran %"] = 100 * float64(ran) / (float64(n) * el.Seconds() / interval.Seconds())
		m["cpu µs/check"] = float64(cpu.Microseconds()) / float64(ran)
		m["allocs/check"] = float64(m1.Mallocs-m0.Mallocs) / float64(ran)
		m["bytes/check"] = float64(m1.TotalAlloc-m0.TotalAlloc) / float64(ran)
	}
	if len(late) > 0 {
		slices.Sort(late)
		m["late p50 ms"] = float64(late[len(late)/2].Microseconds()) / 1000
		m["late p99 ms"] = float64(late[len(late)*99/100].Microseconds()) / 1000
	}
	m["heap MB/1000"] = float64(heap) / (1 << 20) / float64(n) * 1000
	m["rss MB/1000"] = float64(resident) / (1 << 20) / float64(n) * 1000
	return m, nil
}

// cpuTime is this process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapAlloc() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// rss is this process's resident set size in bytes (Linux; 0 elsewhere).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

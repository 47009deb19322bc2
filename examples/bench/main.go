// Command bench measures Vitals side by side with the libraries users
// would pick instead, in one run on one machine, and prints one table of
// medians and of ratios to Vitals (median and spread over rounds, the
// order of the libraries rotated between rounds).
//
//	cd examples/bench && go run . [-rounds 5] [-sched 1000x1s,1000x10s,10000x1s,10000x10s] [-out results]
//
// Sections: http (the readiness endpoint in-process), wrk (the same over
// TCP), sched (the scheduling matrix, each cell in a fresh process against
// listeners in another), wasm (Extism, bare wazero and Vitals' wasmprobe)
// and size (binary size added by importing each library). BENCHMARKS.md,
// "Side by side with other libraries", says what each row measures.
//
// It lives in its own module so that the peers never enter the builds of
// Vitals' users.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// opts are the command's flags.
type opts struct {
	rounds      int
	sections    map[string]bool
	sched       []schedCell
	httpDur     time.Duration
	wrkDur      time.Duration
	wrkConns    int
	warmup      int
	measured    int
	coldRuns    int
	instances   int
	smoke       bool
	cellTimeout time.Duration
	schedRounds int
	out         string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		os.Exit(child(os.Args[2:]))
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o opts
	sections := fs.String("sections", "http,wrk,sched,wasm,size", "sections to run, comma-separated")
	sched := fs.String("sched", "1000x1s,10000x1s,1000x10s,10000x10s", "scheduling cells, components x interval, comma-separated")
	fs.IntVar(&o.rounds, "rounds", 5, "rounds of the http, wrk and wasm sections (the order of the libraries rotates between rounds)")
	fs.DurationVar(&o.httpDur, "http-time", 300*time.Millisecond, "time per library per round in-process")
	fs.DurationVar(&o.wrkDur, "wrk-time", 2*time.Second, "wrk duration per library per round")
	fs.IntVar(&o.wrkConns, "wrk-conns", 4, "wrk keep-alive connections (one thread)")
	fs.IntVar(&o.warmup, "warmup", 2, "scheduling: intervals before measuring (Vitals: the first checks at once, the second at their slots)")
	fs.IntVar(&o.measured, "measured", 3, "scheduling: intervals measured")
	fs.IntVar(&o.coldRuns, "cold", 5, "wasm: first calls timed per round")
	fs.IntVar(&o.instances, "instances", 100, "wasm: instances for the heap per instance")
	fs.IntVar(&o.schedRounds, "sched-rounds", 1, "scheduling: rounds of the whole matrix (each cell a fresh process each time)")
	fs.DurationVar(&o.cellTimeout, "cell-timeout", 5*time.Minute, "scheduling: a cell's process is killed and reported as not finished after this")
	table := fs.Bool("table", false, "print the table of raw.txt files given as arguments instead of measuring (the cases a later file has replace an earlier's)")
	fs.BoolVar(&o.smoke, "smoke", false, "run every section once at tiny sizes (CI: it must build and run, numbers mean nothing)")
	fs.StringVar(&o.out, "out", "", "directory for the raw output (raw.txt) and the table (table.md)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *table {
		return printTable(fs.Args(), stdout)
	}
	o.sections = map[string]bool{}
	for _, s := range strings.Split(*sections, ",") {
		switch s = strings.TrimSpace(s); s {
		case "http", "wrk", "sched", "wasm", "size":
			o.sections[s] = true
		case "":
		default:
			return fmt.Errorf("-sections: unknown section %q (http, wrk, sched, wasm, size)", s)
		}
	}
	cells, err := parseCells(*sched)
	if err != nil {
		return err
	}
	o.sched = cells
	if o.smoke {
		o.rounds, o.httpDur, o.wrkDur, o.warmup, o.measured, o.coldRuns, o.instances = 1, 20*time.Millisecond, time.Second, 1, 1, 1, 3
		o.sched = []schedCell{{n: 50, interval: 200 * time.Millisecond}}
		delete(o.sections, "size") // `go build ./...` builds its programs already
	}
	if o.rounds < 1 || o.schedRounds < 1 {
		return fmt.Errorf("-rounds %d, -sched-rounds %d: want at least 1", o.rounds, o.schedRounds)
	}

	raw := io.Writer(os.Stderr)
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(o.out, "raw.txt"))
		if err != nil {
			return err
		}
		defer f.Close()
		raw = io.MultiWriter(os.Stderr, f)
	}
	res := newResults(raw)
	fmt.Fprintf(raw, "# %s %s, rounds %d, load %s\n", time.Now().UTC().Format(time.RFC3339), machine(), o.rounds, loadavg())
	start := time.Now()
	for _, s := range []struct {
		name string
		f    func(opts, *results) error
	}{{"http", benchHTTP}, {"wrk", benchWrk}, {"sched", benchSched}, {"wasm", benchWasm}, {"size", benchSize}} {
		if !o.sections[s.name] {
			continue
		}
		fmt.Fprintf(raw, "# section %s (load %s)\n", s.name, loadavg())
		if err := s.f(o, res); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	fmt.Fprintf(raw, "# done in %s, load %s\n", time.Since(start).Round(time.Second), loadavg())
	md := res.table()
	fmt.Fprint(stdout, md)
	if o.out != "" {
		return os.WriteFile(filepath.Join(o.out, "table.md"), []byte(md), 0o644)
	}
	return nil
}

// machine describes the CPU the numbers come from.
func machine() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	model, cpus := "unknown CPU", 0
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			switch strings.TrimSpace(k) {
			case "model name":
				model = strings.TrimSpace(v)
			case "processor":
				cpus++
			}
		}
	}
	return fmt.Sprintf("%d x %s", cpus, model)
}

// loadavg is the 1, 5 and 15 minute load averages.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// rotate returns libs starting at round mod len(libs).
func rotate[T any](libs []T, round int) []T {
	k := round % len(libs)
	return append(append([]T{}, libs[k:]...), libs[:k]...)
}

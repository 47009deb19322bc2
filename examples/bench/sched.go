package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/vitals-go/vitals/internal/testnet"
)

// schedCell is one size of the scheduling matrix.
type schedCell struct {
	n        int
	interval time.Duration
}

func (c schedCell) String() string { return fmt.Sprintf("%d x %s", c.n, c.interval) }

func parseCells(s string) ([]schedCell, error) {
	var cells []schedCell
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		ns, is, ok := strings.Cut(f, "x")
		n, err1 := strconv.Atoi(ns)
		d, err2 := time.ParseDuration(is)
		if !ok || err1 != nil || err2 != nil || n < 1 || d <= 0 {
			return nil, fmt.Errorf("-sched: %q is not COMPONENTSxINTERVAL (1000x10s)", f)
		}
		cells = append(cells, schedCell{n, d})
	}
	return cells, nil
}

// errCellTimeout is a cell that ran past -cell-timeout: reported, not fatal.
var errCellTimeout = errors.New("cell timed out")

// schedLibs are the libraries with checks run in the background;
// hellofresh runs its checks per request only.
var schedLibs = []string{"vitals", "alexliesenfeld", "sundheit"}

// schedMetrics are what a scheduling child prints, in this order.
var schedMetrics = []string{"ran %", "late p50 ms", "late p99 ms", "cpu µs/check", "allocs/check", "bytes/check",
	"heap MB/1000", "rss MB/1000", "register ms", "failed checks"}

// benchSched runs every cell of the matrix for every library, each in a
// fresh process (this binary, "child sched"), against 8 loopback
// listeners in another process ("child listeners").
func benchSched(o opts, res *results) error {
	addrs, stop, err := startListeners(8)
	if err != nil {
		return err
	}
	defer stop()
	for _, cell := range o.sched {
		res.note("sched", cell.String(), "hellofresh", "ran %", "n/a: checks run per request only")
	}
	i := 0
	for range o.schedRounds {
		if err := schedRound(o, res, addrs, &i); err != nil {
			return err
		}
	}
	return nil
}

// schedRound runs every cell once for every library, the order of the
// libraries rotated at each cell.
func schedRound(o opts, res *results, addrs []string, i *int) error {
	for _, cell := range o.sched {
		for _, lib := range rotate(schedLibs, *i) {
			*i++
			m, err := runSchedChild(lib, cell, o, addrs)
			if errors.Is(err, errCellTimeout) {
				res.note("sched", cell.String(), lib, "ran %", fmt.Sprintf("did not finish in %s (-cell-timeout)", o.cellTimeout))
				continue
			}
			if err != nil {
				return err
			}
			for _, name := range schedMetrics {
				res.add("sched", cell.String(), lib, name, m[name])
			}
		}
	}
	return nil
}

func runSchedChild(lib string, cell schedCell, o opts, addrs []string) (map[string]float64, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.cellTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "child", "sched", lib, strconv.Itoa(cell.n), cell.interval.String(),
		strconv.Itoa(o.warmup), strconv.Itoa(o.measured), strings.Join(addrs, ","))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return nil, errCellTimeout
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", lib, cell, err)
	}
	m := map[string]float64{}
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("%s %s: %w in %q", lib, cell, err, out)
	}
	return m, nil
}

// startListeners runs n loopback listeners that accept and close, in a
// process of their own, so that the CPU and allocations counted are the
// checking side's only.
func startListeners(n int) ([]string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(self, "child", "listeners", strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop := func() { _ = stdin.Close(); _ = cmd.Wait() }
	sc := bufio.NewScanner(stdout)
	var addrs []string
	for len(addrs) < n && sc.Scan() {
		addrs = append(addrs, sc.Text())
	}
	if len(addrs) < n {
		stop()
		return nil, nil, fmt.Errorf("listener process gave %d addresses of %d: %v", len(addrs), n, sc.Err())
	}
	return addrs, stop, nil
}

// child runs a child process: "listeners N" or "sched LIB N INTERVAL
// WARMUP MEASURED ADDRS".
func child(args []string) int {
	if len(args) == 2 && args[0] == "listeners" {
		return testnet.ServeListeners("listeners", args[1])
	}
	if len(args) == 7 && args[0] == "sched" {
		m, err := schedChild(args[1:], false)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			return 1
		}
		_ = json.NewEncoder(os.Stdout).Encode(m)
		return 0
	}
	fmt.Fprintf(os.Stderr, "bench child: bad arguments %q\n", args)
	return 2
}

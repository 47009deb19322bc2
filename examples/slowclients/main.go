// Command slowclients puts slow and many clients against a running Vitals
// server at once, and checks that /ready keeps answering:
//
//   - half-sent requests: connections that send a request line and one
//     header, never the blank line that ends the headers; the server must
//     close each within the read-header timeout plus a second;
//   - many keep-alive connections, each sending requests in a loop;
//   - long ?exclude queries (thousands of names) in a loop;
//
// meanwhile a probe GETs /ready on a new connection every 50 ms (as a
// kubelet does): every answer must be 200 within a second (or, with
// -self-checks, a 503 whose only failing checks are the app's own routes). It prints the
// probe's latency percentiles and exits 1 when an assertion fails.
//
// examples/slowclients/run.sh starts examples/basic and runs it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server `address`")
	halfSent := flag.Int("half-sent", 500, "half-sent requests to open")
	conns := flag.Int("conns", 200, "keep-alive connections sending requests in a loop")
	excludeNames := flag.Int("exclude-names", 2000, "names in each ?exclude query")
	excluders := flag.Int("excluders", 4, "clients sending ?exclude queries in a loop")
	duration := flag.Duration("duration", 10*time.Second, "how long the load runs")
	rht := flag.Duration("read-header-timeout", 2*time.Second, "the server's server.read_header_timeout")
	wantCapped := flag.Bool("want-capped", false, "fail unless some answers were refused past the server's connection cap (server.max_connections is below -conns)")
	selfChecks := flag.String("self-checks", "", "comma-separated `names` of checks that request the app's own routes through the same listener: past a connection cap they may fail (the app is refusing its own traffic), so a 503 from /ready whose failing checks are only these is an answer, not a failure")
	flag.Parse()
	self := map[string]bool{}
	for _, n := range strings.Split(*selfChecks, ",") {
		if n != "" {
			self[n] = true
		}
	}
	if err := run(*addr, *halfSent, *conns, *excludeNames, *excluders, *duration, *rht, *wantCapped, self); err != nil {
		fmt.Fprintln(os.Stderr, "slowclients: FAIL:", err)
		os.Exit(1)
	}
}

// openPast marks a half-sent request the server never closed.
const openPast = time.Duration(-2)

func run(addr string, halfSent, conns, excludeNames, excluders int, duration, rht time.Duration, wantCapped bool, selfChecks map[string]bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	var errs errList

	// Half-sent requests, opened at the start: each must be closed by the
	// server within the read-header timeout plus a second of the last byte
	// it sent.
	limit := rht + time.Second
	closedIn := make([]time.Duration, halfSent)
	for i := range halfSent {
		wg.Go(func() {
			closedIn[i] = -1
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				errs.add("half-sent %d: dial: %v", i, err)
				return
			}
			defer c.Close()
			if _, err := io.WriteString(c, "GET /ready HTTP/1.1\r\nHost: slowclients\r\n"); err != nil {
				errs.add("half-sent %d: write: %v", i, err)
				return
			}
			sent := time.Now()
			_ = c.SetReadDeadline(sent.Add(limit + 2*time.Second))
			_, err = io.Copy(io.Discard, c) // until the server closes it (or the deadline)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				closedIn[i] = openPast // not closed by the server
				return
			}
			closedIn[i] = time.Since(sent)
		})
	}

	// Keep-alive connections sending requests in a loop.
	var served, refused, capped atomic.Int64
	for range conns {
		wg.Go(func() { loopConn(ctx, addr, "/hello", &served, &refused, &capped) })
	}
	// Long ?exclude queries.
	q := make([]string, excludeNames)
	for i := range q {
		q[i] = fmt.Sprintf("exclude=absent-check-%05d", i)
	}
	excludePath := "/ready?" + strings.Join(q, "&")
	var excluded atomic.Int64
	for range excluders {
		wg.Go(func() { loopConn(ctx, addr, excludePath, &excluded, &refused, &capped) })
	}

	// The probe: a new connection per request, every 50 ms.
	probe := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var lat []time.Duration
	selfDown := 0 // 503s caused only by selfChecks
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		start := time.Now()
		resp, err := probe.Get("http://" + addr + "/ready")
		took := time.Since(start)
		lat = append(lat, took)
		switch {
		case err != nil:
			errs.add("/ready probe %d failed after %s: %v", len(lat), took, err)
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK:
			case resp.StatusCode == http.StatusServiceUnavailable && onlyFailing(body, selfChecks):
				selfDown++
			default:
				errs.add("/ready probe %d: status %d: %.300s", len(lat), resp.StatusCode, body)
			}
			if took > time.Second {
				errs.add("/ready probe %d took %s (> 1s)", len(lat), took)
			}
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	wg.Wait()

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	late, open := 0, 0
	var slowest time.Duration
	for i, d := range closedIn {
		switch {
		case d == openPast:
			if open++; open <= 3 {
				errs.add("half-sent %d still open %s after it was sent (read-header timeout %s + 1s)", i, limit+2*time.Second, rht)
			}
		case d > limit:
			if late++; late <= 3 {
				errs.add("half-sent %d closed after %s (> read-header timeout %s + 1s)", i, d, rht)
			}
		}
		slowest = max(slowest, d)
	}
	if open+late > 3 {
		errs.add("in all, %d half-sent requests still open and %d closed late, of %d", open, late, halfSent)
	}
	fmt.Printf("slowclients: %d half-sent (slowest closed by the server after %s, limit %s; %d never closed), %d keep-alive conns (%d answers, %d past the connection cap; %d failed dials), %d ?exclude queries of %d names\n",
		halfSent, slowest.Round(time.Millisecond), limit, open, conns, served.Load(), capped.Load(), refused.Load(), excluded.Load(), excludeNames)
	if len(lat) > 0 {
		fmt.Printf("slowclients: /ready probe: %d requests, p50 %s, p99 %s, max %s\n",
			len(lat), pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
		if selfDown > 0 {
			fmt.Printf("slowclients: %d /ready answers were 503 with only the app's own route checks failing (%s): the app refused its own traffic past the cap\n",
				selfDown, strings.Join(slices.Sorted(maps.Keys(selfChecks)), ", "))
		}
	}
	if len(lat) == 0 {
		errs.add("no /ready probe ran")
	}
	if served.Load() == 0 || excluded.Load() == 0 {
		errs.add("the load did not run: %d requests served, %d ?exclude answers", served.Load(), excluded.Load())
	}
	if wantCapped && capped.Load() == 0 {
		errs.add("no answer was refused past the connection cap: the cap did not engage")
	}
	return errs.err()
}

// loopConn sends GET path on one keep-alive connection until ctx ends,
// reconnecting when the server closes it; it counts answers, failed dials
// and the answers refused past the server's connection cap.
func loopConn(ctx context.Context, addr, path string, ok, refused, capped *atomic.Int64) {
	req := "GET " + path + " HTTP/1.1\r\nHost: slowclients\r\n\r\n"
	for ctx.Err() == nil {
		c, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, "tcp", addr)
		if err != nil {
			if ctx.Err() == nil { // not the end of the run
				refused.Add(1)
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		stop := context.AfterFunc(ctx, func() { c.Close() })
		br := bufio.NewReader(c)
		for ctx.Err() == nil {
			if _, err := io.WriteString(c, req); err != nil {
				break
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				break
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ok.Add(1)
			if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
				capped.Add(1) // past server.max_connections
			}
			if resp.Close {
				break
			}
		}
		stop()
		c.Close()
	}
}

// errList collects failures from many goroutines.
type errList struct {
	mu   sync.Mutex
	errs []error
}

func (l *errList) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Errorf(format, args...))
}

func (l *errList) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return errors.Join(l.errs...)
}

// onlyFailing reports whether a /ready body (health+json) shows failing
// checks and all of them are in names.
func onlyFailing(body []byte, names map[string]bool) bool {
	var doc struct {
		Checks map[string][]struct {
			Status string `json:"status"`
		} `json:"checks"`
	}
	if len(names) == 0 || json.Unmarshal(body, &doc) != nil {
		return false
	}
	failing := 0
	for name, entries := range doc.Checks {
		for _, e := range entries {
			if e.Status == "fail" {
				if !names[name] {
					return false
				}
				failing++
			}
		}
	}
	return failing > 0
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/vitals-go/vitals/internal/testhttp"
)

// checkCounts are the readiness endpoint's sizes.
var checkCounts = []int{1, 10, 100}

// endpoints wires every library's endpoint with n checks.
func endpoints(n int) (map[string]*endpoint, func(), error) {
	static, err := vitalsBody(n)
	if err != nil {
		return nil, nil, err
	}
	eps := map[string]*endpoint{}
	closeAll := func() {
		for _, ep := range eps {
			ep.close()
		}
	}
	for _, lib := range httpLibs {
		ep, err := newEndpoint(lib, n, static)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		eps[lib] = ep
	}
	return eps, closeAll, nil
}

// benchHTTP serves GET /ready in-process (ServeHTTP, no network) for d per
// library per round: ns and allocations per request.
func benchHTTP(o opts, res *results) error {
	for _, n := range checkCounts {
		eps, closeAll, err := endpoints(n)
		if err != nil {
			return err
		}
		cas := fmt.Sprintf("%d checks", n)
		for _, lib := range httpLibs {
			res.note("http", cas, lib, "mode", eps[lib].mode)
		}
		for round := range o.rounds {
			for _, lib := range rotate(httpLibs, round) {
				ns, allocs, bytes, err := serveInProcess(eps[lib], o.httpDur)
				if err != nil {
					closeAll()
					return err
				}
				res.add("http", cas, lib, "ns/req", ns)
				res.add("http", cas, lib, "allocs/req", allocs)
				res.add("http", cas, lib, "body bytes", bytes)
			}
		}
		closeAll()
	}
	return nil
}

func serveInProcess(ep *endpoint, d time.Duration) (ns, allocs, bytes float64, err error) {
	req := httptest.NewRequest(http.MethodGet, ep.path, nil)
	w := &testhttp.Discard{}
	ns, allocs, _ = loop(func() error {
		w.Reset()
		ep.handler.ServeHTTP(w, req)
		return nil
	}, d)
	if w.Code != http.StatusOK && w.Code != 0 {
		return 0, 0, 0, fmt.Errorf("%s: GET %s = %d", ep.lib, ep.path, w.Code)
	}
	return ns, allocs, float64(w.N), nil
}

var reqPerSec = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
var non2xx = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)

// benchWrk serves each endpoint on loopback and loads it with wrk (one
// thread, a few keep-alive connections): requests per second.
func benchWrk(o opts, res *results) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed (Debian: apt-get install wrk)")
	}
	counts := checkCounts
	if o.smoke {
		counts = []int{10}
	}
	for _, n := range counts {
		eps, closeAll, err := endpoints(n)
		if err != nil {
			return err
		}
		err = wrkRounds(o, res, n, eps)
		closeAll()
		if err != nil {
			return err
		}
	}
	return nil
}

func wrkRounds(o opts, res *results, n int, eps map[string]*endpoint) error {
	addrs := map[string]string{}
	for lib, ep := range eps {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: ep.handler, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Shutdown(context.Background())
		addrs[lib] = "http://" + ln.Addr().String() + ep.path
	}
	cas := fmt.Sprintf("%d checks", n)
	for round := range o.rounds {
		for _, lib := range rotate(httpLibs, round) {
			out, err := exec.Command("wrk", "-t1", "-c"+strconv.Itoa(o.wrkConns), "-d"+strconv.Itoa(max(1, int(o.wrkDur.Seconds())))+"s", addrs[lib]).CombinedOutput()
			if err != nil {
				return fmt.Errorf("wrk %s: %v: %s", addrs[lib], err, out)
			}
			m := reqPerSec.FindSubmatch(out)
			if m == nil {
				return fmt.Errorf("wrk %s: no Requests/sec in %s", addrs[lib], out)
			}
			if bad := non2xx.FindSubmatch(out); bad != nil {
				return fmt.Errorf("wrk %s: %s non-2xx answers", addrs[lib], bad[1])
			}
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			res.add("wrk", cas, lib, "req/s", v)
		}
	}
	return nil
}

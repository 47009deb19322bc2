package echomw_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw/echoroute"
	"github.com/vitals-go/vitals/internal/testhttp"
)

// benchEcho returns one echo instance with the Vitals routes and, at
// /static, a bare handler answering a static JSON body as long as /ready's.
func benchEcho(b *testing.B) *echo.Echo {
	b.Helper()
	e, p := newEngine(b, comp("db"), comp("cache"), comp("queue"), comp("proc", core.GroupLiveness))
	start(b, e, p)
	ec := echo.New()
	if err := echoroute.Register(ec, e); err != nil {
		b.Fatal(err)
	}
	w := &testhttp.Discard{}
	ec.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/ready", nil))
	if w.Code != http.StatusOK {
		b.Fatalf("/ready = %d", w.Code)
	}
	static := make([]byte, w.N)
	copy(static, `{"status":"pass"}`)
	for i := len(`{"status":"pass"}`); i < len(static); i++ {
		static[i] = ' '
	}
	ec.GET("/static", func(c echo.Context) error { return c.JSONBlob(http.StatusOK, static) })
	return ec
}

// serveLoop serves target in a loop and returns the time per request.
func serveLoop(b *testing.B, ec *echo.Echo, target string) float64 {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	w := &testhttp.Discard{}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		w.Reset()
		ec.ServeHTTP(w, req)
		n++
	}
	if w.Code != http.StatusOK {
		b.Fatalf("%s = %d", target, w.Code)
	}
	return float64(b.Elapsed().Nanoseconds()) / float64(n)
}

func serveParallel(b *testing.B, ec *echo.Echo, target string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		w := &testhttp.Discard{}
		for pb.Next() {
			w.Reset()
			ec.ServeHTTP(w, req)
		}
	})
}

// BenchmarkReady compares GET /ready through echo with a bare echo
// handler answering a static JSON body of the same size, on the same echo
// instance. ready/ratio measures both in alternating batches and reports
// the median over the rounds of static time / vitals time: the ratio of
// /ready's throughput to the bare handler's (target: at least 0.9).
func BenchmarkReady(b *testing.B) {
	ec := benchEcho(b)
	b.Run("vitals", func(b *testing.B) { serveLoop(b, ec, "/ready") })
	b.Run("static", func(b *testing.B) { serveLoop(b, ec, "/static") })
	b.Run("ratio", func(b *testing.B) {
		// One call runs past -benchtime's default 1s, so the framework
		// stops there.
		ratio, vitals, static := alternate(ec, 1500*time.Millisecond, 20000)
		b.ReportMetric(vitals, "vitals-ns/op")
		b.ReportMetric(static, "static-ns/op")
		b.ReportMetric(ratio, "ratio")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("vitals-parallel", func(b *testing.B) { serveParallel(b, ec, "/ready") })
	b.Run("static-parallel", func(b *testing.B) { serveParallel(b, ec, "/static") })
	b.Run("vitals-text", func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/ready", nil)
		req.Header.Set("Accept", "text/plain")
		w := &testhttp.Discard{}
		b.ReportAllocs()
		for b.Loop() {
			w.Reset()
			ec.ServeHTTP(w, req)
		}
	})
	b.Run("vitals-verbose", func(b *testing.B) { serveLoop(b, ec, "/ready?verbose") })
	b.Run("vitals-per-check", func(b *testing.B) { serveLoop(b, ec, "/ready/db") })
}

// alternate serves /ready and /static in rounds of n requests each,
// alternating, for at least d and 21 rounds, and returns the median of the
// per-round ratios static time / vitals time, and the median ns per
// request of each.
func alternate(ec *echo.Echo, d time.Duration, n int) (ratio, vitalsNs, staticNs float64) {
	timed := func(target string) float64 {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		w := &testhttp.Discard{}
		t0 := time.Now()
		for range n {
			w.Reset()
			ec.ServeHTTP(w, req)
		}
		return float64(time.Since(t0).Nanoseconds()) / float64(n)
	}
	timed("/ready") // warm up
	timed("/static")
	var ratios, vs, ss []float64
	start := time.Now()
	for i := 0; i < 21 || time.Since(start) < d; i++ {
		var v, s float64
		if i%2 == 0 {
			v, s = timed("/ready"), timed("/static")
		} else {
			s, v = timed("/static"), timed("/ready")
		}
		ratios, vs, ss = append(ratios, s/v), append(vs, v), append(ss, s)
	}
	median := func(x []float64) float64 { slices.Sort(x); return x[len(x)/2] }
	return median(ratios), median(vs), median(ss)
}

// BenchmarkReadyExclude is GET /ready?exclude=… with one name and with
// 10,000 distinct names, on the four components of BenchmarkReady: only
// as many names as there are components are read, so both cost about
// the same. ?exclude answers are rendered per request.
func BenchmarkReadyExclude(b *testing.B) {
	ec := benchEcho(b)
	for _, n := range []int{1, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var q strings.Builder
			for i := range n {
				fmt.Fprintf(&q, "&exclude=x%d", i)
			}
			serveLoop(b, ec, "/ready?"+q.String()[1:])
		})
	}
}

package echomw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

// benchWriter is a reusable http.ResponseWriter, so that the benchmarks
// measure echo and the handlers, not a recorder's allocations.
type benchWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(code int)        { w.code = code }
func (w *benchWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }
func (w *benchWriter) reset()                      { clear(w.h); w.code, w.n = 0, 0 }

// benchEcho returns one echo instance with the Vitals routes and, at
// /static, a bare handler answering a static JSON body as long as /ready's.
func benchEcho(b *testing.B) *echo.Echo {
	b.Helper()
	e, p := newEngine(b, comp("db"), comp("cache"), comp("queue"), comp("proc", core.GroupLiveness))
	start(b, e, p)
	ec := echo.New()
	if err := echomw.Register(ec, e); err != nil {
		b.Fatal(err)
	}
	w := &benchWriter{h: http.Header{}}
	ec.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/ready", nil))
	if w.code != http.StatusOK {
		b.Fatalf("/ready = %d", w.code)
	}
	static := make([]byte, w.n)
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
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		w.reset()
		ec.ServeHTTP(w, req)
		n++
	}
	if w.code != http.StatusOK {
		b.Fatalf("%s = %d", target, w.code)
	}
	return float64(b.Elapsed().Nanoseconds()) / float64(n)
}

func serveParallel(b *testing.B, ec *echo.Echo, target string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		w := &benchWriter{h: http.Header{}}
		for pb.Next() {
			w.reset()
			ec.ServeHTTP(w, req)
		}
	})
}

// BenchmarkReady compares GET /ready through echo with a bare echo
// handler answering a static JSON body of the same size, on the same echo
// instance, and reports the ratio of their throughputs in ready/ratio
// (static ns/op over vitals ns/op; the target is at least 0.9).
func BenchmarkReady(b *testing.B) {
	ec := benchEcho(b)
	var vitals, static float64
	b.Run("vitals", func(b *testing.B) { vitals = serveLoop(b, ec, "/ready") })
	b.Run("static", func(b *testing.B) { static = serveLoop(b, ec, "/static") })
	b.Run("ratio", func(b *testing.B) {
		b.ReportMetric(static/vitals, "ratio")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("vitals-parallel", func(b *testing.B) { serveParallel(b, ec, "/ready") })
	b.Run("static-parallel", func(b *testing.B) { serveParallel(b, ec, "/static") })
	b.Run("vitals-text", func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/ready", nil)
		req.Header.Set("Accept", "text/plain")
		w := &benchWriter{h: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			w.reset()
			ec.ServeHTTP(w, req)
		}
	})
	b.Run("vitals-verbose", func(b *testing.B) { serveLoop(b, ec, "/ready?verbose") })
	b.Run("vitals-per-check", func(b *testing.B) { serveLoop(b, ec, "/ready/db") })
}

// Package testhttp serves requests to an http.Handler in memory, through
// an httptest recorder, for Vitals' own tests and examples. It imports
// the standard library only.
package testhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// Do serves one request, method and target with the header given as name,
// value pairs (each added), to h, and returns the response and its body.
func Do(h http.Handler, method, target string, header ...string) (*http.Response, string) {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body) // a recorder's body: reading cannot fail
	return res, string(body)
}

// Discard is a reusable http.ResponseWriter for benchmarks: it keeps the
// status code and the number of body bytes, not the body, so that a loop
// measures the handler rather than a recorder. The zero value is ready.
type Discard struct {
	Code int // the status written, 0 if none
	N    int // body bytes written
	h    http.Header
}

// Header returns the response header, kept across Reset (emptied).
func (w *Discard) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}

// WriteHeader keeps code.
func (w *Discard) WriteHeader(code int) { w.Code = code }

// Write counts b.
func (w *Discard) Write(b []byte) (int, error) { w.N += len(b); return len(b), nil }

// Reset empties the writer for the next request, keeping its header map.
func (w *Discard) Reset() { clear(w.h); w.Code, w.N = 0, 0 }

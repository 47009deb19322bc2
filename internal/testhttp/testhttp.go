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

package testhttp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/internal/testhttp"
)

// TestDo: the handler sees the method, target and every header value; the
// caller gets the status, header and body.
func TestDo(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", r.Method+" "+r.URL.RequestURI()+" "+strings.Join(r.Header.Values("A"), ","))
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("body"))
	})
	res, body := testhttp.Do(h, http.MethodPost, "/x?y=1", "A", "1", "A", "2", "odd")
	if res.StatusCode != http.StatusTeapot || body != "body" || res.Header.Get("X-Seen") != "POST /x?y=1 1,2" {
		t.Errorf("got %d %q, X-Seen %q", res.StatusCode, body, res.Header.Get("X-Seen"))
	}
}

func TestDiscard(t *testing.T) {
	var w testhttp.Discard
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusTeapot)
	_, _ = w.Write([]byte("hello"))
	_, _ = w.Write([]byte(", world"))
	if w.Code != http.StatusTeapot || w.N != 12 || w.Header().Get("Content-Type") != "text/plain" {
		t.Fatalf("code %d, %d bytes, header %v", w.Code, w.N, w.Header())
	}
	w.Reset()
	if w.Code != 0 || w.N != 0 || len(w.Header()) != 0 {
		t.Fatalf("after Reset: code %d, %d bytes, header %v", w.Code, w.N, w.Header())
	}
}

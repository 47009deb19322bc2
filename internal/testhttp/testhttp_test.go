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

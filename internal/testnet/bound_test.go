package testnet

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A Bound address is taken: listening there again fails.
func TestBound(t *testing.T) {
	addr := Bound(t)
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Fatalf("listening on %s again succeeded", addr)
	}
}

// GetConnClose reports the status and "Connection: close".
func TestGetConnClose(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/close" {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	c := srv.Client()
	if code, closing := GetConnClose(t, c, srv.URL+"/keep"); code != http.StatusAccepted || closing {
		t.Errorf("/keep = %d, closing %v; want 202, keep-alive", code, closing)
	}
	if code, closing := GetConnClose(t, c, srv.URL+"/close"); code != http.StatusAccepted || !closing {
		t.Errorf("/close = %d, closing %v; want 202, close", code, closing)
	}
}

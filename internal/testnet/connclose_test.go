package testnet

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

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

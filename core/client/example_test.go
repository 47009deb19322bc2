package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/vitals-go/vitals/core/client"
)

// The axway seed's QueryForStatus and CheckIsRunning: ask an instance's
// readiness, and whether a Vitals instance holds its address.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/health+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"status":"fail"}`)
	}))
	defer srv.Close()

	c := &client.Client{} // Token: the server's health.token, for details
	resp, err := c.Check(context.Background(), srv.URL+"/ready")
	if err != nil {
		fmt.Println("no answer:", err)
		return
	}
	status, _ := resp.HealthStatus()
	fmt.Println(resp.StatusCode, resp.Healthy(), status)

	occ, _, err := c.Running(context.Background(), srv.Listener.Addr().String())
	fmt.Println(occ, err)
	// Output:
	// 503 false fail
	// vitals <nil>
}

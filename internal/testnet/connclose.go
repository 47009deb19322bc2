package testnet

import (
	"net/http"
	"testing"
)

// GetConnClose GETs url on c and returns the status code and whether the
// answer said "Connection: close" (what a server in its lame duck tells
// keep-alive clients). A failed request fails the test.
func GetConnClose(t testing.TB, c *http.Client, url string) (code int, closing bool) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Close
}

package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	hc "rec/hc"
)

func main() {
	out := os.Args[1]
	record := func(file string, mux http.Handler, path string) {
		srv := httptest.NewServer(mux)
		defer srv.Close()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s := fmt.Sprintf("GET %s\n%d\nContent-Type: %s\nX-Content-Type-Options: %s\n\n%s", path, resp.StatusCode,
			resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"), body)
		if err := os.WriteFile(filepath.Join(out, file), []byte(s), 0o644); err != nil {
			panic(err)
		}
	}
	ok := map[string]*hc.Status{"db": {Result: hc.OK}}
	fail := map[string]*hc.Status{"db": {Result: hc.FAIL, Details: "connection refused"}}
	record("status_pass.txt", hc.Setup("agent", "1.2.3", hc.OK, ok), "/status")
	record("check_pass.txt", hc.Setup("agent", "1.2.3", hc.OK, ok), "/status/db")
	record("status_fail.txt", hc.Setup("agent", "", hc.FAIL, fail), "/status")
	record("check_fail.txt", hc.Setup("agent", "", hc.FAIL, fail), "/status/db")
	record("check_unknown.txt", hc.Setup("agent", "", hc.OK, ok), "/status/nope")
	record("check_nested.txt", hc.Setup("agent", "", hc.OK, ok), "/status/db/x")
}

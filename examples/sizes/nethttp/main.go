// Command nethttp is the baseline of the size check (.ci/sizes.sh): a
// plain net/http server with no Vitals package, built the way the other
// reference mains are.
package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}

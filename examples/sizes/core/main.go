// Command core is a reference main of the size check (.ci/sizes.sh): a
// net/http server that runs a core engine and answers from its snapshot
// by hand, with no Vitals handler.
package main

import (
	"log"
	"net/http"

	"github.com/vitals-go/vitals/examples/sizes/internal/refengine"
)

func main() {
	eng := refengine.Start()
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if eng.Snapshot().Ready() {
			_, _ = w.Write([]byte("ok\n"))
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}

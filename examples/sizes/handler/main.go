// Command handler is a reference main of the size check (.ci/sizes.sh):
// the core main of examples/sizes/core with echomw's net/http handler in
// place of the hand-written endpoint, the status page off (the zero Config).
package main

import (
	"log"
	"net/http"

	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/examples/sizes/internal/refengine"
)

func main() {
	eng := refengine.Start()
	h, err := echomw.New(eng, echomw.Config{})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
}

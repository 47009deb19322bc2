// Command vitals-wasm is the size section's base plus Vitals' Wasm probe
// host (wasmprobe, on wazero) calling one probe.
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/wasmprobe"
)

func main() {
	p, err := wasmprobe.NewProvider(context.Background(), wasmprobe.Options{})
	if err != nil {
		panic(err)
	}
	res := p.Check(context.Background(), core.Component{Name: "probe", Provider: wasmprobe.Name, Config: map[string]any{wasmprobe.KeyModule: os.Args[1]}})
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(res.Message)) })
	_ = http.ListenAndServe("127.0.0.1:0", nil)
}

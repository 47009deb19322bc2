// Command extism is the size section's base plus github.com/extism/go-sdk
// calling one plugin.
package main

import (
	"context"
	"net/http"

	extism "github.com/extism/go-sdk"
)

func main() {
	m := extism.Manifest{Wasm: []extism.Wasm{extism.WasmFile{Path: "plugin.wasm"}}}
	p, err := extism.NewPlugin(context.Background(), m, extism.PluginConfig{}, nil)
	if err != nil {
		panic(err)
	}
	_, out, _ := p.Call("noop", nil)
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(out) })
	_ = http.ListenAndServe("127.0.0.1:0", nil)
}

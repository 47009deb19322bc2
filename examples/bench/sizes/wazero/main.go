// Command wazero is the size section's base plus bare wazero calling one
// export of a module.
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/tetratelabs/wazero"
)

func main() {
	ctx := context.Background()
	bin, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		panic(err)
	}
	res, _ := mod.ExportedFunction("check").Call(ctx)
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte{byte(len(res))}) })
	_ = http.ListenAndServe("127.0.0.1:0", nil)
}

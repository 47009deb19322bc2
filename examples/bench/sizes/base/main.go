// Command base is the baseline of the size section: a net/http server
// with a static handler. Each other program here adds one library.
package main

import "net/http"

func main() {
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"pass"}`)) })
	_ = http.ListenAndServe("127.0.0.1:0", nil)
}

// Command runprobe runs one Vitals wasm probe once, by hand, and prints its
// result: the probe author's dev loop.
//
//	go run ./examples/probes/runprobe -module probe.wasm \
//	    -config '{"url":"http://127.0.0.1:8080/api/v2/status.json"}' \
//	    -allow http://127.0.0.1:8080/ -timeout 5s
//
// -config is the component config as JSON: the guest's own keys and, if
// wanted, the host keys of ABI.md section 8 (memory_pages, max_log_lines,
// ...). -module and -allow are added to it. The probe's log lines, stdout
// and stderr go to standard error; the result is printed to standard
// output as JSON. The exit status is 0 for up, 1 for degraded, 2 for down,
// 3 for unknown and 4 when the module or config is refused.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/wasmprobe"
)

type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var allow listFlag
	module := flag.String("module", "", "path of the probe's .wasm file (required)")
	config := flag.String("config", "{}", "component config as a JSON object")
	name := flag.String("name", "probe", "component name")
	timeout := flag.Duration("timeout", 5*time.Second, "check timeout")
	cacheDir := flag.String("cache", "", `compile cache directory ("-" for none; default the user cache dir)`)
	quiet := flag.Bool("q", false, "do not print the probe's debug logs and stdio")
	flag.Var(&allow, "allow", "network grant (URL prefix or host:port); repeatable")
	flag.Parse()
	if *module == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(4)
	}
	os.Exit(run(*module, *config, *name, *timeout, *cacheDir, *quiet, allow))
}

func run(module, config, name string, timeout time.Duration, cacheDir string, quiet bool, allow []string) int {
	cfg := map[string]any{}
	if err := json.Unmarshal([]byte(config), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "runprobe: -config: %v\n", err)
		return 4
	}
	cfg[wasmprobe.KeyModule] = module
	if len(allow) > 0 {
		cfg[wasmprobe.KeyAllow] = []string(allow)
	}
	level := slog.LevelDebug
	if quiet {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	start := time.Now()
	res, err := wasmprobe.RunOnce(context.Background(), wasmprobe.Options{Logger: logger, CacheDir: cacheDir},
		core.Component{Name: name, Provider: wasmprobe.Name, Timeout: timeout, Config: cfg})
	if err != nil {
		fmt.Fprintf(os.Stderr, "runprobe: %v\n", err)
		return 4
	}
	out := map[string]any{"state": res.State, "message": res.Message, "duration": time.Since(start).String()}
	if len(res.Details) > 0 {
		out["details"] = res.Details
	}
	if res.Err != nil {
		out["error"] = res.Err.Error()
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	switch res.State {
	case core.StateUp:
		return 0
	case core.StateDegraded:
		return 1
	case core.StateDown:
		return 2
	}
	return 3
}

package fxmodule

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/wasmprobe"
)

// builtinProviders returns the providers every engine of the module has:
// http, tcp, jobs (with the jobs sources registered) and wasm.
func builtinProviders(cfg *Config, log *slog.Logger, jobs []JobsChecker) ([]core.Provider, error) {
	w := cfg.Health.Wasm
	wasm, err := wasmprobe.NewProvider(context.Background(), wasmprobe.Options{
		Logger:           log,
		CacheDir:         w.CacheDir,
		PoolSize:         w.PoolSize,
		MemoryPages:      w.MemoryPages,
		MaxOutputBytes:   w.MaxOutputBytes,
		MaxLogLines:      w.MaxLogLines,
		MaxLogLineBytes:  w.MaxLogLineBytes,
		MaxResponseBytes: w.MaxResponseBytes,
		MaxStdioBytes:    w.MaxStdioBytes,
	})
	if err != nil {
		return nil, fmt.Errorf("health.wasm: %w", err)
	}
	_ = jobs // TODO: jobs, http, tcp
	return []core.Provider{wasm}, nil
}

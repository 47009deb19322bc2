package assemble

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/wasmprobe"
)

// builtinProviders returns the providers every engine of the module has:
// http, tcp, tls, dns, jobs (with the jobs sources of the group "vitals.jobs"
// registered) and wasm. Errors name the group entry or key they are about.
func builtinProviders(cfg *config.Config, log *slog.Logger, jobs []JobsSource) ([]core.Provider, error) {
	jp := core.NewJobsProvider()
	var errs []error
	for i, j := range jobs {
		if err := jp.Register(j.Name, j.Checker); err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %w", labelJobs, i, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	wasm, err := wasmprobe.NewProvider(context.Background(), WasmOptions(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("health.wasm: %w", err)
	}
	return []core.Provider{&core.HTTPProvider{}, &core.TCPProvider{}, &core.TLSProvider{}, &core.DNSProvider{}, jp, wasm}, nil
}

// WasmOptions returns the wasm provider's options that cfg's health.wasm.*
// keys describe, logging to log: what the module's engine uses, and what
// "vitals probe run --server-config" uses to run a probe as the server
// would.
func WasmOptions(cfg *config.Config, log *slog.Logger) wasmprobe.Options {
	o := cfg.Health.Wasm.Options
	o.Logger = log
	return o
}

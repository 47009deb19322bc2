package config

import "github.com/vitals-go/vitals/wasmprobe"

// Options returns the wasm provider's options the health.wasm.* keys
// describe (without a logger). wasmprobe owns their ranges:
// Options().Validate() is what Config.Validate reports for these keys.
func (w Wasm) Options() wasmprobe.Options {
	return wasmprobe.Options{
		CacheDir:         w.CacheDir,
		PoolSize:         w.PoolSize,
		MemoryPages:      w.MemoryPages,
		MaxOutputBytes:   w.MaxOutputBytes,
		MaxLogLines:      w.MaxLogLines,
		MaxLogLineBytes:  w.MaxLogLineBytes,
		MaxResponseBytes: w.MaxResponseBytes,
		MaxStdioBytes:    w.MaxStdioBytes,

		MaxConcurrentCalls:       w.MaxConcurrentCalls,
		MaxNetCalls:              w.MaxNetCalls,
		MaxSockets:               w.MaxSockets,
		MaxTableElements:         w.MaxTableElements,
		MaxModuleBytes:           w.MaxModuleBytes,
		MaxFunctions:             w.MaxFunctions,
		MaxFunctionBodyBytes:     w.MaxFunctionBodyBytes,
		MaxFunctionLocals:        w.MaxFunctionLocals,
		MaxGlobals:               w.MaxGlobals,
		MaxElementSegmentEntries: w.MaxElementSegmentEntries,
		MaxDataSegmentBytes:      w.MaxDataSegmentBytes,
		CompileTimeout:           w.CompileTimeout,
	}
}

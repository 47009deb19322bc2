package wasmprobe

import (
	"fmt"
	"time"

	"github.com/vitals-go/vitals/wasmprobe/internal/wasmbin"
)

// Defaults of the bounds on what a module declares and on its compilation
// (config keys max_table_elements, max_module_bytes, max_functions,
// max_function_body_bytes, max_function_locals, max_globals,
// max_element_segment_entries, max_data_segment_bytes, compile_timeout).
// A Go guest using net/http (4.8 MB) declares a table of 7,088 elements,
// 2,992 functions, bodies up to 29 KB, 20 locals, 8 globals, an element
// segment of 2,992 entries and data segments up to 362 KB, and compiles in
// about 1.2 s on a 2-core machine (15-25 s under the race detector); the
// defaults leave it ten times or more.
const (
	DefaultMaxTableElements         = 1 << 18 // 2 MiB of host memory at 8 bytes an element
	DefaultMaxModuleBytes           = 32 << 20
	DefaultMaxFunctions             = 50000
	DefaultMaxFunctionBodyBytes     = 1 << 20
	DefaultMaxFunctionLocals        = 50000
	DefaultMaxGlobals               = 10000
	DefaultMaxElementSegmentEntries = 1 << 18
	DefaultMaxDataSegmentBytes      = 16 << 20
	DefaultCompileTimeout           = 2 * time.Minute
)

// The range of compile_timeout (those of the other keys are in sizeKeys).
const (
	minCompileTimeout = time.Millisecond
	maxCompileTimeout = 10 * time.Minute
)

// moduleLimits bound what a module may declare. A module is loaded for one
// set of them: they are part of its cache key.
type moduleLimits struct {
	pages          uint32
	tableElements  int
	moduleBytes    int
	functions      int
	bodyBytes      int
	locals         int
	globals        int
	elementEntries int
	dataBytes      int
}

// sizeKey is a key bounding what a module declares: its field in Options
// and in moduleLimits, its default and its range.
type sizeKey struct {
	key         string
	opt, lim    *int
	def, lo, hi int
}

// sizeKeys lists the keys bounding what a module declares, with their
// fields in o and in l.
func sizeKeys(o *Options, l *moduleLimits) []sizeKey {
	return []sizeKey{
		{KeyMaxTableElements, &o.MaxTableElements, &l.tableElements, DefaultMaxTableElements, 0, 1 << 24},
		{KeyMaxModuleBytes, &o.MaxModuleBytes, &l.moduleBytes, DefaultMaxModuleBytes, 1 << 10, 128 << 20},
		{KeyMaxFunctions, &o.MaxFunctions, &l.functions, DefaultMaxFunctions, 1, 1000000},
		{KeyMaxFunctionBodyBytes, &o.MaxFunctionBodyBytes, &l.bodyBytes, DefaultMaxFunctionBodyBytes, 16, 8 << 20},
		{KeyMaxFunctionLocals, &o.MaxFunctionLocals, &l.locals, DefaultMaxFunctionLocals, 0, 1000000},
		{KeyMaxGlobals, &o.MaxGlobals, &l.globals, DefaultMaxGlobals, 0, 1000000},
		{KeyMaxElementSegmentEntries, &o.MaxElementSegmentEntries, &l.elementEntries, DefaultMaxElementSegmentEntries, 0, 1 << 24},
		{KeyMaxDataSegmentBytes, &o.MaxDataSegmentBytes, &l.dataBytes, DefaultMaxDataSegmentBytes, 0, 128 << 20},
	}
}

// moduleLimits returns the limits of o for a memory cap of pages.
func (o Options) moduleLimits(pages uint32) moduleLimits {
	l := moduleLimits{pages: pages}
	for _, k := range sizeKeys(&o, &l) {
		*k.lim = *k.opt
	}
	return l
}

// limitDefaults applies the defaults and ranges of the module limits and
// the compile timeout to o.
func (o *Options) limitDefaults() {
	for _, k := range sizeKeys(o, new(moduleLimits)) {
		switch {
		case *k.opt == 0:
			*k.opt = k.def
		case *k.opt < 0:
			*k.opt = 0
		}
		*k.opt = max(min(*k.opt, k.hi), k.lo)
	}
	if o.CompileTimeout <= 0 {
		o.CompileTimeout = DefaultCompileTimeout
	}
	o.CompileTimeout = min(max(o.CompileTimeout, minCompileTimeout), maxCompileTimeout)
}

// checkSizes refuses a module that declares more than lim allows; the
// error names the limit's key.
func checkSizes(s wasmbin.Sizes, lim moduleLimits) error {
	for _, c := range []struct {
		what        string // a format of the index and the size
		index, size uint64
		key         string
		limit       uint64
	}{
		{"declares %[2]d functions", 0, uint64(s.Functions), KeyMaxFunctions, uint64(lim.functions)},
		{"function body %d is %d bytes", uint64(s.Body.Index), s.Body.Size, KeyMaxFunctionBodyBytes, uint64(lim.bodyBytes)},
		{"function body %d declares %d locals", uint64(s.Locals.Index), s.Locals.Size, KeyMaxFunctionLocals, uint64(lim.locals)},
		{"declares %[2]d globals", 0, uint64(s.Globals), KeyMaxGlobals, uint64(lim.globals)},
		{"element segment %d has %d entries", uint64(s.Element.Index), s.Element.Size, KeyMaxElementSegmentEntries, uint64(lim.elementEntries)},
		{"data segment %d is %d bytes", uint64(s.Data.Index), s.Data.Size, KeyMaxDataSegmentBytes, uint64(lim.dataBytes)},
	} {
		if c.size > c.limit {
			return fmt.Errorf(c.what+", more than %s %d: raise %s or make the module smaller", c.index, c.size, c.key, c.limit, c.key)
		}
	}
	return nil
}

// capTables bounds the tables of module b to lim.tableElements elements
// in all: a module whose tables' minimums exceed it is refused, and the
// table section is rewritten so that no table can grow past its share
// (wasmbin.TableBudget): table.grow past it returns -1.
func capTables(b []byte, tables []wasmbin.Table, lim moduleLimits) ([]byte, error) {
	if len(tables) == 0 {
		return b, nil
	}
	maxes, err := wasmbin.TableBudget(tables, uint64(lim.tableElements))
	if err != nil {
		return nil, fmt.Errorf("%v, more than %s %d: raise %s or make the module's tables smaller",
			err, KeyMaxTableElements, lim.tableElements, KeyMaxTableElements)
	}
	return wasmbin.CapTables(b, tables, maxes)
}

package wasmbin

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// readWasm returns the test module testdata/wasm/name.wasm.
func readWasm(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/wasm/" + name + ".wasm")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scanWasm returns the test module testdata/wasm/name.wasm and what Scan
// reads in it, and fails the test if Scan fails.
func scanWasm(t *testing.T, name string) ([]byte, Info) {
	t.Helper()
	b := readWasm(t, name)
	info, err := Scan(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b, info
}

func TestScan(t *testing.T) {
	_, info := scanWasm(t, "net")
	if len(info.Imports) != 2 || info.Imports[0] != (Import{"vitals", "http_request", KindFunc}) {
		t.Fatalf("imports %+v", info.Imports)
	}
	if len(info.Memories) != 1 || info.Memories[0].Min != 4 || info.Memories[0].HasMax {
		t.Fatalf("memories %+v", info.Memories)
	}
	if !info.HasExport("vitals_abi_v1", KindFunc) || !info.HasExport("memory", KindMemory) || info.HasExport("memory", KindFunc) {
		t.Fatalf("exports %+v", info.Exports)
	}

	if _, info = scanWasm(t, "import_memory"); len(info.Imports) != 1 || info.Imports[0].Kind != KindMemory || !info.Memories[0].Import {
		t.Fatalf("import_memory: %+v", info)
	}
}

func FuzzScan(f *testing.F) {
	for _, name := range []string{"noop", "net", "import_memory", "garbage", "bigmem", "table_grow", "locals", "names", "globals"} {
		f.Add(readWasm(f, name))
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x07\x01\x01m\x01n\x09\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Scan(b) // must not panic
	})
}

func TestTableBudget(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tables []Table
		budget uint64
		want   []uint64
		err    string
	}{
		{"no max", []Table{{Min: 10}}, 100, []uint64{100}, ""},
		{"max below", []Table{{Min: 10, Max: 20, HasMax: true}}, 100, []uint64{20}, ""},
		{"max above", []Table{{Min: 10, Max: 1 << 32, HasMax: true}}, 100, []uint64{100}, ""},
		{"shared in order", []Table{{Min: 10, Max: 30, HasMax: true}, {Min: 5}, {Min: 5}}, 100, []uint64{30, 65, 5}, ""},
		{"exact", []Table{{Min: 50}, {Min: 50}}, 100, []uint64{50, 50}, ""},
		{"over", []Table{{Min: 60}, {Min: 50}}, 100, nil, "tables declare 110 elements at minimum"},
		{"four big", slices.Repeat([]Table{{Min: 1 << 27}}, 4), 1 << 18, nil, "tables declare 536870912 elements at minimum"},
	} {
		got, err := TableBudget(tc.tables, tc.budget)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: got %v %v, want error %q", tc.name, got, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v %v, want %v", tc.name, got, err, tc.want)
		}
		var sum uint64
		for _, m := range got {
			sum += m
		}
		if sum > tc.budget {
			t.Errorf("%s: maxima %v exceed the budget %d", tc.name, got, tc.budget)
		}
	}
}

func TestCapTables(t *testing.T) {
	b, info := scanWasm(t, "table_grow")
	if len(info.Tables) != 1 || info.Tables[0] != (Table{RefType: 0x70, Min: 1}) {
		t.Fatalf("tables %+v", info.Tables)
	}
	out, err := CapTables(b, info.Tables, []uint64{300000}) // a 3-byte LEB where there was none
	if err != nil {
		t.Fatal(err)
	}
	again, err := Scan(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Tables) != 1 || again.Tables[0] != (Table{RefType: 0x70, Min: 1, Max: 300000, HasMax: true}) {
		t.Fatalf("rewritten tables %+v", again.Tables)
	}
	// everything else is unchanged
	info.Tables, again.Tables = nil, nil
	if len(out) != len(b)+3 || !slices.Equal(again.Exports, info.Exports) || again.Sizes != info.Sizes {
		t.Fatalf("rewritten module differs: %d bytes from %d, %+v", len(out), len(b), again)
	}
	// a module that already has its maxima is returned as it is
	if same, err := CapTables(out, []Table{{RefType: 0x70, Min: 1, Max: 300000, HasMax: true}}, []uint64{300000}); err != nil || &same[0] != &out[0] {
		t.Fatalf("unchanged module copied: %v", err)
	}
}

func TestSizes(t *testing.T) {
	_, info := scanWasm(t, "net")
	want := Sizes{Functions: 8, Body: Largest{7, 417}, Locals: Largest{7, 8}, Data: Largest{4, 51}}
	if info.Sizes != want {
		t.Fatalf("sizes %+v, want %+v", info.Sizes, want)
	}
	if _, info = scanWasm(t, "locals"); info.Sizes.Locals != (Largest{3, 0xffffffff}) {
		t.Fatalf("locals: %+v", info.Sizes)
	}
	if _, info = scanWasm(t, "table_grow"); info.Sizes.Element != (Largest{0, 1}) {
		t.Fatalf("elements: %+v", info.Sizes)
	}
}

// TestScanRefuses checks the errors of Scan: input that is not a core
// module, malformed sections, and declared counts larger than their
// sections, for the sections the runtime allocates for first.
func TestScanRefuses(t *testing.T) {
	hdr := "\x00asm\x01\x00\x00\x00"
	for name, tc := range map[string]struct{ in, want string }{
		"empty":        {"", "not a WebAssembly module (bad magic number)"},
		"garbage":      {"hello world, not wasm", "not a WebAssembly module (bad magic number)"},
		"component":    {"\x00asm\x0d\x00\x01\x00", "a WebAssembly component, not a core module (components are not supported)"},
		"version":      {"\x00asm\x02\x00\x00\x00", "unsupported WebAssembly binary version 2"},
		"truncated":    {hdr + "\x02\x10\x01", "section 2: unexpected end of data"},
		"long leb":     {hdr + "\x02\xff\xff\xff\xff\xff\xff\x01", "section 2: integer too long"},
		"bad kind":     {hdr + "\x02\x07\x01\x01m\x01n\x09\x00", "import section: import m.n: unknown kind 0x09"},
		"functions":    {string(readWasm(t, "functions")), "section 3: declares 134217728 entries in 4 bytes"},
		"globals":      {string(readWasm(t, "globals")), "section 6: declares 4294967295 entries in 5 bytes"},
		"names":        {string(readWasm(t, "names")), "name section: subsection 1 declares 4294967295 entries in 3 bytes"},
		"types":        {hdr + "\x01\x05\xff\xff\xff\xff\x0f", "section 1: declares 4294967295 entries in 0 bytes"},
		"tags":         {hdr + "\x0d\x02\x10\x00", "section 13: declares 16 entries in 1 bytes"},
		"local names":  {hdr + "\x00\x10\x04name\x02\x09\x01\x00\xff\xff\xff\xff\x0f\x00\x00", "local names declare 4294967295 entries in 2 bytes"},
		"elements":     {hdr + "\x09\x07\x01\x01\x00\xff\xff\xff\x7f", "element section: segment 0: unexpected end of data"},
		"data":         {hdr + "\x0b\x07\x01\x01\xff\xff\xff\xff\x0f", "data section: segment 0: unexpected end of data"},
		"body":         {hdr + "\x0a\x07\x01\xff\xff\xff\xff\x0f\x00", "code section: function body 0: unexpected end of data"},
		"table type":   {hdr + "\x04\x04\x01\x40\x00\x70", "table section: table 0: type 0x40 is not supported"},
		"table 64":     {hdr + "\x04\x04\x01\x70\x04\x01", "table section: table 0: limits flags 0x04 are not supported"},
		"const opcode": {hdr + "\x0b\x06\x01\x00\x01\x0b\x00\x00", "data section: segment 0: offset: opcode 0x01 in a constant expression"},
	} {
		_, err := Scan([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
		if errors.Is(err, ErrNotWasm) != strings.Contains(tc.want, "bad magic number") {
			t.Errorf("%s: %v is ErrNotWasm: %v", name, err, errors.Is(err, ErrNotWasm))
		}
	}
}

func FuzzCapTables(f *testing.F) {
	for _, name := range []string{"table_grow", "table_big", "noop", "net"} {
		f.Add(readWasm(f, name), uint32(1000))
	}
	f.Fuzz(func(t *testing.T, b []byte, budget uint32) {
		info, err := Scan(b)
		if err != nil {
			return
		}
		maxes, err := TableBudget(info.Tables, uint64(budget))
		if err != nil {
			return
		}
		out, err := CapTables(b, info.Tables, maxes)
		if err != nil {
			t.Fatalf("CapTables after Scan: %v", err)
		}
		again, err := Scan(out)
		if err != nil {
			t.Fatalf("rewritten module does not scan: %v", err)
		}
		var sum uint64
		for _, tb := range again.Tables {
			if !tb.HasMax {
				t.Fatalf("table without a maximum after CapTables: %+v", again.Tables)
			}
			sum += tb.Max
		}
		if sum > uint64(budget) {
			t.Fatalf("maxima %+v exceed the budget %d", again.Tables, budget)
		}
	})
}

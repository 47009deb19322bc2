package wasmbin

import (
	"errors"
	"os"
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

func TestScanBad(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"garbage":   "hello world, not wasm",
		"component": "\x00asm\x0d\x00\x01\x00",
		"version":   "\x00asm\x02\x00\x00\x00",
		"truncated": "\x00asm\x01\x00\x00\x00\x02\x10\x01",
		"long leb":  "\x00asm\x01\x00\x00\x00\x02\xff\xff\xff\xff\xff\xff\x01",
		"bad kind":  "\x00asm\x01\x00\x00\x00\x02\x07\x01\x01m\x01n\x09\x00",
	} {
		_, err := Scan([]byte(in))
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if (name == "empty" || name == "garbage") != errors.Is(err, ErrNotWasm) {
			t.Errorf("%s: %v", name, err)
		}
		if name == "component" && !strings.Contains(err.Error(), "component") {
			t.Errorf("%s: %v", name, err)
		}
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

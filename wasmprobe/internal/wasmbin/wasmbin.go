// Package wasmbin reads the few facts the host needs from a WebAssembly
// binary before handing it to the runtime: every import and export, whatever
// its kind, the limits of the memories and tables, and the sizes a module
// declares (functions, bodies, locals, globals, element and data segments),
// so that the host can refuse a module before the runtime allocates what it
// declares. It can also rewrite the table limits (CapTables). It decodes
// section headers, counts and immediates only, never instructions, so it is
// no validator: the runtime validates the module afterwards.
package wasmbin

import (
	"errors"
	"fmt"
)

// Kinds of imports and exports, as encoded in the binary.
const (
	KindFunc   byte = 0x00
	KindTable  byte = 0x01
	KindMemory byte = 0x02
	KindGlobal byte = 0x03
	KindTag    byte = 0x04
)

// KindName names an import kind ("func", "table", "memory", "global", "tag").
func KindName(k byte) string {
	switch k {
	case KindFunc:
		return "func"
	case KindTable:
		return "table"
	case KindMemory:
		return "memory"
	case KindGlobal:
		return "global"
	case KindTag:
		return "tag"
	}
	return fmt.Sprintf("kind 0x%02x", k)
}

// Import is one entry of the import section.
type Import struct {
	Module, Name string
	Kind         byte
}

// Memory is the limits of one memory, in 64 KiB pages.
type Memory struct {
	Min    uint64
	Max    uint64 // valid when HasMax
	HasMax bool
	Import bool // imported rather than defined
}

// Export is one entry of the export section.
type Export struct {
	Name string
	Kind byte
}

// Info is what Scan found.
type Info struct {
	Imports  []Import
	Exports  []Export
	Memories []Memory
	// Tables are the tables the module defines (imported tables are in
	// Imports).
	Tables []Table
	// Sizes are the declared sizes of the module.
	Sizes Sizes
}

// HasExport reports whether the module exports name as kind.
func (i Info) HasExport(name string, kind byte) bool {
	for _, e := range i.Exports {
		if e.Name == name && e.Kind == kind {
			return true
		}
	}
	return false
}

// ErrNotWasm is returned for input that does not start with the WebAssembly
// magic number.
var ErrNotWasm = errors.New("not a WebAssembly module (bad magic number)")

// Scan reads the header and the sections of b that Info describes.
func Scan(b []byte) (Info, error) {
	var info Info
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return info, ErrNotWasm
	}
	switch v := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24; v {
	case 1:
	case 0x1000d:
		return info, errors.New("a WebAssembly component, not a core module (components are not supported)")
	default:
		return info, fmt.Errorf("unsupported WebAssembly binary version %d", v)
	}
	r := reader{b: b, off: 8}
	for !r.done() {
		id, body, err := r.section()
		if err != nil {
			return info, fmt.Errorf("section %d: %w", id, err)
		}
		if err := checkCounts(id, body); err != nil {
			return info, err
		}
		s := reader{b: body}
		var what string
		switch id {
		case 2:
			what, err = "import", scanImports(&s, &info)
		case 3:
			what = "function"
			info.Sizes.Functions, err = s.u32()
		case 4:
			what = "table"
			info.Tables, err = scanTables(&s)
		case 5:
			what = "memory"
			err = s.vec("", func(uint32) error {
				l, err := s.limits()
				info.Memories = append(info.Memories, l.memory())
				return err
			})
		case 6:
			what = "global"
			info.Sizes.Globals, err = s.u32()
		case 7:
			what, err = "export", scanExports(&s, &info)
		case 9:
			what, err = "element", scanElements(&s, &info.Sizes)
		case 10:
			what, err = "code", scanCode(&s, &info.Sizes)
		case 11:
			what, err = "data", scanData(&s, &info.Sizes)
		}
		if err != nil {
			return info, fmt.Errorf("%s section: %w", what, err)
		}
	}
	return info, nil
}

// scanImports reads the import section, and the limits of the memories
// it imports.
func scanImports(r *reader, info *Info) error {
	return r.vec("", func(uint32) error {
		mod, err := r.name()
		if err != nil {
			return err
		}
		name, kind, err := r.nameKind()
		if err != nil {
			return err
		}
		info.Imports = append(info.Imports, Import{Module: mod, Name: name, Kind: kind})
		switch kind {
		case KindFunc:
			_, err = r.u32()
		case KindTable:
			if _, err = r.valType(); err == nil { // reference type
				_, err = r.limits()
			}
		case KindMemory:
			var l limits
			l, err = r.limits()
			m := l.memory()
			m.Import = true
			info.Memories = append(info.Memories, m)
		case KindGlobal:
			if _, err = r.byte(); err == nil { // value type
				_, err = r.byte() // mutability
			}
		case KindTag:
			if _, err = r.byte(); err == nil { // attribute
				_, err = r.u32()
			}
		default:
			return fmt.Errorf("import %s.%s: unknown kind 0x%02x", mod, name, kind)
		}
		if err != nil {
			return fmt.Errorf("import %s.%s: %w", mod, name, err)
		}
		return nil
	})
}

// scanExports reads the export section.
func scanExports(r *reader, info *Info) error {
	return r.vec("", func(uint32) error {
		name, kind, err := r.nameKind()
		if err == nil {
			_, err = r.u32() // index
		}
		info.Exports = append(info.Exports, Export{Name: name, Kind: kind})
		return err
	})
}

var errShort = errors.New("unexpected end of data")

type reader struct {
	b   []byte
	off int
}

func (r *reader) done() bool { return r.off >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errShort
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.off {
		return nil, errShort
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s, nil
}

// leb reads the bytes of a LEB128 integer of at most bits bits and
// returns its low 7 bits of each byte, unsigned, and how many bits it read.
func (r *reader) leb(bits uint) (v uint64, read uint, err error) {
	for shift := uint(0); ; shift += 7 {
		if shift >= bits+7 {
			return 0, 0, errors.New("integer too long")
		}
		c, err := r.byte()
		if err != nil {
			return 0, 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, shift + 7, nil
		}
	}
}

func (r *reader) uleb(maxBits uint) (uint64, error) {
	v, _, err := r.leb(maxBits)
	if err == nil && maxBits < 64 && v>>maxBits != 0 {
		return 0, errors.New("integer overflow")
	}
	return v, err
}

// sleb reads a signed LEB128 integer of at most bits bits.
func (r *reader) sleb(bits uint) (int64, error) {
	v, read, err := r.leb(bits)
	if err == nil && read < 64 && v>>(read-1)&1 != 0 {
		v |= ^uint64(0) << read // sign extension
	}
	return int64(v), err
}

// vec reads a vector: its count, then each entry with entry, whose error
// is prefixed by what and the entry's index (unless what is "").
func (r *reader) vec(what string, entry func(i uint32) error) error {
	n, err := r.u32()
	if err != nil {
		return err
	}
	for i := range n {
		if err := entry(i); err != nil {
			if what == "" {
				return err
			}
			return fmt.Errorf("%s %d: %w", what, i, err)
		}
	}
	return nil
}

// section reads a section (or a name subsection): its id and its body.
func (r *reader) section() (id byte, body []byte, err error) {
	if id, err = r.byte(); err == nil {
		body, err = r.bytes()
	}
	return id, body, err
}

func (r *reader) u32() (uint32, error) {
	v, err := r.uleb(32)
	return uint32(v), err
}

// bytes reads a byte vector: its length, then that many bytes.
func (r *reader) bytes() ([]byte, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	return r.take(int(n))
}

func (r *reader) name() (string, error) {
	b, err := r.bytes()
	return string(b), err
}

// nameKind reads the name and the kind of an import or an export.
func (r *reader) nameKind() (string, byte, error) {
	name, err := r.name()
	if err != nil {
		return "", 0, err
	}
	kind, err := r.byte()
	return name, kind, err
}

// limits is a limits encoding.
type limits struct {
	flags    byte
	Min, Max uint64
	HasMax   bool
}

// memory returns the limits as a Memory.
func (l limits) memory() Memory { return Memory{Min: l.Min, Max: l.Max, HasMax: l.HasMax} }

// limits reads a limits encoding: a flags byte (bit 0: has max, bit 1:
// shared, bit 2: 64-bit), the minimum and the optional maximum.
func (r *reader) limits() (limits, error) {
	var m limits
	flags, err := r.byte()
	if err != nil {
		return m, err
	}
	if flags > 7 {
		return m, fmt.Errorf("bad limits flags 0x%02x", flags)
	}
	m.flags = flags
	bits := uint(32)
	if flags&4 != 0 {
		bits = 64
	}
	if m.Min, err = r.uleb(bits); err != nil {
		return m, err
	}
	if flags&1 != 0 {
		m.HasMax = true
		if m.Max, err = r.uleb(bits); err != nil {
			return m, err
		}
	}
	return m, nil
}

package wasmbin

import "fmt"

// Largest is the largest of a kind of item a module declares: its index
// in its section and its size. Size 0 means there is none.
type Largest struct {
	Index uint32
	Size  uint64
}

func (l *Largest) see(i uint32, size uint64) {
	if size > l.Size {
		*l = Largest{Index: i, Size: size}
	}
}

// Sizes are the sizes a module declares, read before the runtime
// allocates for them.
type Sizes struct {
	// Functions is the number of functions the module defines (its
	// function section), Globals the number of globals it defines.
	Functions, Globals uint32
	// Body is the largest function body, in bytes (code section).
	Body Largest
	// Locals is the function declaring the most locals: the sum of its
	// local declarations, which a few bytes can make 2^32-1.
	Locals Largest
	// Element is the element segment with the most entries.
	Element Largest
	// Data is the largest data segment, in bytes.
	Data Largest
}

// scanCode reads the size and local declarations of each function body.
func scanCode(r *reader, s *Sizes) error {
	return r.vec("function body", func(i uint32) error {
		body, err := r.bytes()
		if err != nil {
			return err
		}
		s.Body.see(i, uint64(len(body)))
		b := reader{b: body}
		var locals uint64
		err = b.vec("", func(uint32) error { // each declaration takes 2 bytes or more: bounded by the body
			count, err := b.u32()
			if err == nil {
				_, err = b.valType()
			}
			locals += uint64(count)
			return err
		})
		if err != nil {
			return fmt.Errorf("locals: %w", err)
		}
		s.Locals.see(i, locals)
		return nil
	})
}

// scanElements reads the number of entries of each element segment.
func scanElements(r *reader, s *Sizes) error {
	return r.vec("segment", func(i uint32) error {
		flags, err := r.segment(7)
		if err != nil {
			return err
		}
		if flags&3 != 0 { // element kind (0x00) or reference type
			if _, err := r.valType(); err != nil {
				return err
			}
		}
		count, err := r.u32()
		if err != nil {
			return err
		}
		s.Element.see(i, uint64(count))
		for range count { // each entry takes 1 byte or more: bounded by the section
			if flags&4 != 0 {
				err = r.skipConstExpr()
			} else {
				_, err = r.u32()
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// scanData reads the size of each data segment.
func scanData(r *reader, s *Sizes) error {
	return r.vec("segment", func(i uint32) error {
		if _, err := r.segment(2); err != nil {
			return err
		}
		data, err := r.bytes()
		s.Data.see(i, uint64(len(data)))
		return err
	})
}

// segment reads the flags of an element or data segment, refusing flags
// above maxFlags, and for an active segment (bit 0 clear) its explicit
// table or memory index (bit 1) and its offset expression.
func (r *reader) segment(maxFlags uint32) (uint32, error) {
	flags, err := r.u32()
	if err != nil {
		return 0, err
	}
	if flags > maxFlags {
		return 0, fmt.Errorf("bad flags %d", flags)
	}
	if flags&1 == 0 { // active
		if flags&2 != 0 {
			if _, err := r.u32(); err != nil {
				return 0, err
			}
		}
		if err := r.skipConstExpr(); err != nil {
			return 0, fmt.Errorf("offset: %w", err)
		}
	}
	return flags, nil
}

// valType reads a value or reference type: one byte, or for a typed
// reference (0x63, 0x64) the byte and a heap type.
func (r *reader) valType() (byte, error) {
	t, err := r.byte()
	if err != nil {
		return 0, err
	}
	if t == 0x63 || t == 0x64 {
		if _, err := r.sleb(33); err != nil {
			return 0, err
		}
	}
	return t, nil
}

// skipConstExpr skips a constant expression: the instructions the runtime
// accepts in one (MVP, reference types, extended-const, v128.const) up to
// its end.
func (r *reader) skipConstExpr() error {
	for {
		op, err := r.byte()
		if err != nil {
			return err
		}
		switch op {
		case 0x0b: // end
			return nil
		case 0x41: // i32.const
			_, err = r.sleb(32)
		case 0x42: // i64.const
			_, err = r.sleb(64)
		case 0x43: // f32.const
			_, err = r.take(4)
		case 0x44: // f64.const
			_, err = r.take(8)
		case 0x23, 0xd2: // global.get, ref.func
			_, err = r.u32()
		case 0xd0: // ref.null heaptype
			_, err = r.sleb(33)
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended-const arithmetic
		case 0xfd: // v128.const
			var sub uint32
			if sub, err = r.u32(); err == nil {
				if sub != 12 {
					return fmt.Errorf("opcode 0xfd %d in a constant expression", sub)
				}
				_, err = r.take(16)
			}
		default:
			return fmt.Errorf("opcode 0x%02x in a constant expression", op)
		}
		if err != nil {
			return err
		}
	}
}

// checkCounts refuses a section whose declared number of entries exceeds
// what its bytes can hold, since the runtime allocates for the declared
// number before it reads the entries: the type, function, global and tag
// sections (whose entries take 1 byte or more), and the function and
// local names of the "name" section. The other sections the runtime
// allocates for are read entry by entry by Scan.
func checkCounts(id byte, body []byte) error {
	r := reader{b: body}
	switch id {
	case 1, 3, 6, 13:
		n, err := r.u32()
		if err != nil {
			return fmt.Errorf("section %d: %w", id, err)
		}
		if uint64(n) > uint64(len(body)-r.off) {
			return fmt.Errorf("section %d: declares %d entries in %d bytes", id, n, len(body)-r.off)
		}
	case 0:
		name, err := r.name()
		if err != nil {
			return fmt.Errorf("custom section: %w", err)
		}
		if name == "name" {
			if err := checkNames(&r); err != nil {
				return fmt.Errorf("name section: %w", err)
			}
		}
	}
	return nil
}

// checkNames checks the counts of the function names (subsection 1) and
// local names (subsection 2) of a name section.
func checkNames(r *reader) error {
	for !r.done() {
		id, body, err := r.section()
		if err != nil {
			return err
		}
		if id != 1 && id != 2 {
			continue
		}
		s := reader{b: body}
		n, err := s.u32()
		if err != nil {
			return err
		}
		if uint64(n) > uint64(len(body)-s.off) {
			return fmt.Errorf("subsection %d declares %d entries in %d bytes", id, n, len(body)-s.off)
		}
		for range n {
			if id == 1 {
				if _, err := s.u32(); err != nil {
					return err
				}
				if _, err := s.name(); err != nil {
					return err
				}
				continue
			}
			if _, err := s.u32(); err != nil { // function index
				return err
			}
			locals, err := s.u32()
			if err != nil {
				return err
			}
			if uint64(locals) > uint64(len(body)-s.off) {
				return fmt.Errorf("local names declare %d entries in %d bytes", locals, len(body)-s.off)
			}
			for range locals {
				if _, err := s.u32(); err != nil {
					return err
				}
				if _, err := s.name(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

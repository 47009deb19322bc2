package wasmbin

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Table is the type and limits of a table the module defines, in
// elements.
type Table struct {
	RefType byte // 0x70 funcref, 0x6f externref
	Min     uint64
	Max     uint64 // valid when HasMax
	HasMax  bool
}

// scanTables reads the table section. It accepts the tables of
// WebAssembly 2.0 (a reference type and 32-bit limits) and refuses the
// other encodings (initialiser expressions, typed references, 64-bit or
// shared limits), which CapTables could not rewrite.
func scanTables(r *reader) ([]Table, error) {
	var out []Table
	err := r.vec("table", func(uint32) error {
		t, err := r.byte()
		if err != nil {
			return err
		}
		if t != 0x70 && t != 0x6f {
			return fmt.Errorf("type 0x%02x is not supported (only funcref and externref tables)", t)
		}
		lim, err := r.limits()
		if err != nil {
			return err
		}
		if lim.flags > 1 {
			return fmt.Errorf("limits flags 0x%02x are not supported (only 32-bit unshared tables)", lim.flags)
		}
		out = append(out, Table{RefType: t, Min: lim.Min, Max: lim.Max, HasMax: lim.HasMax})
		return nil
	})
	return out, err
}

// TableBudget returns the maximum each table may grow to so that all of
// them together never hold more than budget elements: the tables share it
// in declaration order, each keeping its declared maximum when the rest of
// the budget allows it, and a table without a maximum taking what is left.
// It fails when the declared minimums alone exceed the budget.
func TableBudget(tables []Table, budget uint64) ([]uint64, error) {
	var mins uint64
	for _, t := range tables {
		mins += t.Min // each Min < 2^32: no overflow for any table count Scan can return
	}
	if mins > budget {
		return nil, fmt.Errorf("tables declare %d elements at minimum", mins)
	}
	slack := budget - mins
	out := make([]uint64, len(tables))
	for i, t := range tables {
		grow := slack
		if t.HasMax {
			grow = min(t.Max-min(t.Max, t.Min), slack)
		}
		slack -= grow
		out[i] = t.Min + grow
	}
	return out, nil
}

// CapTables returns b with the maximum of each defined table set to
// maxes[i] (from TableBudget), so that the runtime refuses to grow a table
// past it (table.grow returns -1). The other sections are copied as they
// are; b is returned unchanged when every table already declares its
// maximum. b must have been read by Scan without error.
func CapTables(b []byte, tables []Table, maxes []uint64) ([]byte, error) {
	if len(tables) != len(maxes) {
		return nil, errors.New("one maximum per table is needed")
	}
	same := true
	for i, t := range tables {
		same = same && t.HasMax && t.Max == maxes[i]
	}
	if same {
		return b, nil
	}
	var sec []byte
	sec = binary.AppendUvarint(sec, uint64(len(tables)))
	for i, t := range tables {
		sec = append(sec, t.RefType, 0x01)
		sec = binary.AppendUvarint(sec, t.Min)
		sec = binary.AppendUvarint(sec, maxes[i])
	}
	out := make([]byte, 0, len(b)+len(sec)+8)
	out = append(out, b[:8]...)
	r := reader{b: b, off: 8}
	for !r.done() {
		start := r.off
		id, _, err := r.section()
		if err != nil {
			return nil, err
		}
		if id != 4 {
			out = append(out, b[start:r.off]...)
			continue
		}
		out = append(out, 4)
		out = binary.AppendUvarint(out, uint64(len(sec)))
		out = append(out, sec...)
	}
	return out, nil
}

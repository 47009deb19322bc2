// Package jsontext follows the string literals of JSON text scanned a
// byte at a time, for the loops that need only the structure outside
// them: core measures the nesting of details, echomw indents them. It
// imports nothing.
package jsontext

// Strings follows the string literals of JSON text fed to Step byte by
// byte. The zero value starts outside a string.
type Strings struct {
	in, escaped bool
}

// Step advances past c and reports whether c belongs to a string literal,
// its quotes and escapes included; the bytes for which it returns false
// are the text's structure (brackets, commas, colons, numbers, literals,
// white space).
func (s *Strings) Step(c byte) bool {
	switch {
	case s.escaped:
		s.escaped = false
	case !s.in:
		if c != '"' {
			return false
		}
		s.in = true
	case c == '\\':
		s.escaped = true
	case c == '"':
		s.in = false
	}
	return true
}

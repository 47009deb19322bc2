package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// This file reads the ABI input and writes the common output without
// encoding/json: in a wasm guest, reflection-driven JSON costs tens of
// microseconds per call (≈70 µs for the input alone), which would be most
// of a warm check. Anything unusual falls back to encoding/json.

var errSyntax = errors.New("probe SDK: input is not the ABI's JSON object")

// parseInput reads {"name": string, "config": object|null, "timeout_ms":
// number} in any key order, skipping unknown keys.
func parseInput(b []byte) (in input, err error) {
	if in, ok := hostInput(b); ok {
		return in, nil
	}
	s := scanner{b: b}
	if !s.byte('{') {
		return in, errSyntax
	}
	if s.byte('}') {
		return in, nil
	}
	for {
		key, ok := s.str()
		if !ok || !s.byte(':') {
			return in, errSyntax
		}
		s.ws()
		start := s.i
		if !s.skip() {
			return in, errSyntax
		}
		raw := b[start:s.i]
		switch key {
		case "name":
			if in.Name, ok = decodeString(raw); !ok {
				return in, errSyntax
			}
		case "config":
			if raw[0] == '{' {
				in.Config = append(json.RawMessage(nil), raw...)
			}
		case "timeout_ms":
			f, err := strconv.ParseFloat(string(raw), 64)
			if err != nil {
				return in, errSyntax
			}
			in.TimeoutMs = int64(f)
		}
		if s.byte(',') {
			continue
		}
		if s.byte('}') {
			s.ws()
			if s.i != len(b) {
				return in, errSyntax
			}
			return in, nil
		}
		return in, errSyntax
	}
}

// hostInput reads the input in the exact form the host writes it (ABI.md:
// those keys in that order, no whitespace, an integer timeout), with a few
// calls rather than a scan per byte: function calls are what costs in a Go
// wasm guest. It reports false for anything else (such as a name with an
// escape), which parseInput then scans.
func hostInput(b []byte) (in input, ok bool) {
	const p1, p2, p3 = `{"name":"`, `","config":`, `,"timeout_ms":`
	if len(b) < len(p1)+len(p2)+len(p3)+4 || string(b[:len(p1)]) != p1 || b[len(b)-1] != '}' {
		return in, false
	}
	rest := b[len(p1) : len(b)-1]
	q := bytes.IndexByte(rest, '"')
	if q < 0 || bytes.IndexByte(rest[:q], '\\') >= 0 {
		return in, false
	}
	name := rest[:q]
	rest = rest[q:]
	if !bytes.HasPrefix(rest, []byte(p2)) {
		return in, false
	}
	rest = rest[len(p2):]
	// The timeout is the last key, so its separator is the last one: one
	// inside the config would be followed by more than digits.
	t := bytes.LastIndex(rest, []byte(p3))
	if t < 2 || rest[0] != '{' || rest[t-1] != '}' {
		return in, false
	}
	num := rest[t+len(p3):]
	if len(num) == 0 || len(num) > 12 {
		return in, false
	}
	var ms int64
	for _, c := range num {
		if c < '0' || c > '9' {
			return in, false
		}
		ms = ms*10 + int64(c-'0')
	}
	for _, c := range name {
		if c < 0x20 || c >= utf8.RuneSelf && !utf8.Valid(name) {
			return in, false
		}
	}
	return input{Name: string(name), Config: append(json.RawMessage(nil), rest[:t]...), TimeoutMs: ms}, true
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// byte consumes c (after whitespace) if it is next.
func (s *scanner) byte(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str consumes a string and returns it decoded.
func (s *scanner) str() (string, bool) {
	s.ws()
	start := s.i
	if s.i >= len(s.b) || s.b[s.i] != '"' || !s.skip() {
		return "", false
	}
	return decodeString(s.b[start:s.i])
}

// skip consumes one value. Values are checked only as far as finding their
// end: the host sends valid JSON, and Config decodes with encoding/json.
func (s *scanner) skip() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		for s.i++; s.i < len(s.b); s.i++ {
			switch s.b[s.i] {
			case '\\':
				s.i++
			case '"':
				s.i++
				return true
			}
		}
		return false
	case c == '{' || c == '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if !s.skip() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	default:
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > start
			}
			s.i++
		}
		return s.i > start
	}
}

// decodeString decodes a JSON string literal, quotes included.
func decodeString(q []byte) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	q = q[1 : len(q)-1]
	plain := true
	for _, c := range q {
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(q), true
	}
	var s string
	if err := json.Unmarshal(append(append([]byte{'"'}, q...), '"'), &s); err != nil {
		return "", false
	}
	return s, true
}

// appendString appends s as a JSON string, escaped as encoding/json does
// (without the HTML escapes), invalid UTF-8 as U+FFFD.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c == '\b':
				dst = append(dst, '\\', 'b')
			case c == '\f':
				dst = append(dst, '\\', 'f')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&15])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

package confkit

import "strings"

// IsToken reports whether s is an RFC 9110 token, as an HTTP method or a
// header name must be.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// CheckHeader says what is wrong with an HTTP header a user configured,
// or nil: the name must be a token and the value must not hold CR, LF or
// NUL (which would smuggle another header in).
func CheckHeader(name, value string) error {
	if !IsToken(name) {
		return Problem(ErrInvalid, "%q is not a valid header name", name)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return Problem(ErrInvalid, "value of %q must not contain CR, LF or NUL", name)
	}
	return nil
}

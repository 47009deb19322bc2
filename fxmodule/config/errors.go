package config

import (
	"errors"

	"github.com/vitals-go/vitals/core/confkit"
)

// KeyError is another name for *confkit.FieldError, the type of every
// configuration problem: Path is the full key ("health.checks[2].interval")
// and Source where the value came from when it was not a file
// ("environment variable VITALS_HEALTH__INTERVAL").
//
// Deprecated: use confkit.FieldError (errors.As with a
// *confkit.FieldError, or confkit.Fields). KeyError goes away in the next
// minor release.
type KeyError = confkit.FieldError

// IsUnknownKey reports whether err is, or joins, an unknown-key error.
func IsUnknownKey(err error) bool { return errors.Is(err, confkit.ErrUnknownKey) }

// ComponentError puts prefix, the key of a check ("health.checks[1]"), in
// front of the path of every *confkit.FieldError in err (core reports its
// component fields and provider config that way: "config.url"). An error
// that names no field is reported at prefix. It parses no error text.
func ComponentError(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, fe := range confkit.Fields(confkit.Prefix(prefix, err)) {
		out = append(out, fe)
	}
	return errors.Join(out...)
}

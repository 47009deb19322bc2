// Package confkit reads loose configuration: the map[string]any a
// provider receives as core.Component.Config, or any other map decoded
// from YAML, JSON, environment variables or flags. It is the one decoder
// Vitals uses for such maps, and third-party providers may use it too.
//
// One rule for values: a value may arrive as the type it means or as its
// text, because environment overrides and flags arrive as strings. So
// "4096" is an integer, "true" a boolean and "5s" a duration everywhere;
// numbers and booleans are accepted where a string is wanted. Integers may
// be any Go integer type, a float64 without a fraction (JSON) or a
// json.Number.
//
// One error type: every problem is a *FieldError, a path ("url",
// "headers.X-Token", "webhooks[1].url") and the cause. The cause quotes
// the value as the user wrote it ("\"5 sec\" is not a duration"), never a
// converted or clamped number. Prefix adds the path of the surrounding
// configuration ("health.checks[2].config") without parsing any text, and
// the causes unwrap to a Kind (ErrType, ErrRange, ErrRequired,
// ErrUnknownKey, ErrInvalid) for callers that branch on the kind.
//
// A Reader collects every problem, not just the first:
//
//	r := confkit.NewReader(c.Config)
//	r.Only("url", "max_body_bytes")
//	url := r.RequiredString("url", "the URL to request")
//	max := r.Int("max_body_bytes", 64<<10, 1, 64<<20)
//	if err := r.Err(); err != nil { ... }
package confkit

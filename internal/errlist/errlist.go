// Package errlist lists the problems an error holds, for commands and
// loaders that report one problem a line.
package errlist

// Leaves returns the errors that errors.Join (or any error with an
// Unwrap() []error method) joined in err, flattened through nested
// joins, in order; err itself when it joins nothing; nil for nil.
func Leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Leaves(e)...)
		}
		return out
	}
	return []error{err}
}

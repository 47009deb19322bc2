package coretest

// DeepArrays returns the details {"a":[[[…]]]} with n arrays nested in one
// another (at least one): what a provider decodes from a probe that
// prints n brackets. Tests of the details limits (core.WithDetailsLimits)
// and of what renders details use it as hostile input.
func DeepArrays(n int) map[string]any {
	var v any = []any{}
	for range n - 1 {
		v = []any{v}
	}
	return map[string]any{"a": v}
}

// DeepObjects returns the details {"a":{"a":{…}}}, n objects in all (at
// least one), the innermost empty.
func DeepObjects(n int) map[string]any {
	m := map[string]any{}
	for range n - 1 {
		m = map[string]any{"a": m}
	}
	return m
}

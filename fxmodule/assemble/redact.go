package assemble

import (
	"context"
	"encoding/json"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
)

// redacting wraps every provider so that no check result (message, error,
// details) and no config error carries a resolved secret by value: the
// details and status endpoints, the engine's logs and events all show
// what the engine stored. Without secrets it returns ps as they are.
func redacting(s *confkit.Secrets, ps []core.Provider) []core.Provider {
	if s.Len() == 0 {
		return ps
	}
	out := make([]core.Provider, len(ps))
	for i, p := range ps {
		out[i] = &redactProvider{p: p, s: s}
	}
	return out
}

// redactFunc wraps an app's check func so that its error text is
// redacted (core.Degraded still recognised through Unwrap).
func redactFunc(s *confkit.Secrets, f core.CheckerFunc) core.CheckerFunc {
	if s.Len() == 0 || f == nil {
		return f
	}
	return func(ctx context.Context) error { return s.RedactError(f(ctx)) }
}

// redactProvider is a provider whose results and config errors are
// redacted.
type redactProvider struct {
	p core.Provider
	s *confkit.Secrets
}

// Name returns the wrapped provider's name.
func (r *redactProvider) Name() string { return r.p.Name() }

// Check runs the wrapped provider and redacts its result.
func (r *redactProvider) Check(ctx context.Context, c core.Component) core.Result {
	res := r.p.Check(ctx, c)
	res.Message = r.s.Redact(res.Message)
	res.Err = r.s.RedactError(res.Err)
	if res.Details != nil {
		res.Details, _ = redactAny(r.s, res.Details).(map[string]any)
	}
	return res
}

// ValidateConfig runs the wrapped provider's check of c's config, if it
// has one, and redacts the error.
func (r *redactProvider) ValidateConfig(c core.Component) error {
	v, ok := r.p.(core.ConfigValidator)
	if !ok {
		return nil
	}
	return r.s.RedactError(v.ValidateConfig(c))
}

// Close closes the wrapped provider, if it has a Close.
func (r *redactProvider) Close(ctx context.Context) error {
	if c, ok := r.p.(core.Closer); ok {
		return c.Close(ctx)
	}
	return nil
}

// Forget passes on to the wrapped provider, if it keeps state per
// component (core.Forgetter).
func (r *redactProvider) Forget(component string) {
	if f, ok := r.p.(core.Forgetter); ok {
		f.Forget(component)
	}
}

// redactAny returns v with every string in it redacted, maps and lists
// copied. Other values (a provider's structs) are redacted through their
// JSON form when that holds a secret.
func redactAny(s *confkit.Secrets, v any) any {
	switch x := v.(type) {
	case string:
		return s.Redact(x)
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[s.Redact(k)] = redactAny(s, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactAny(s, e)
		}
		return out
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = s.Redact(e)
		}
		return out
	case error:
		return s.RedactError(x)
	case nil, bool, int, int64, float64:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil || s.Redact(string(b)) == string(b) {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(s.Redact(string(b))), &out); err != nil {
		return confkit.Redacted
	}
	return out
}

package config

import (
	"errors"
	"testing"

	"github.com/vitals-go/vitals/core/confkit"
)

// Vitals' own keys follow the providers' rule (confkit): text is parsed,
// and a bad value is an error of the same kind a provider reports.
func TestDecodeKinds(t *testing.T) {
	for _, tc := range []struct {
		key  string
		v    any
		kind confkit.Kind // "" for none
	}{
		{"health.status.history", "8", ""},
		{"health.status.history", "many", confkit.ErrType},
		{"health.status.history", 1.5, confkit.ErrType},
		{"health.status.history", "99999999999999999999", confkit.ErrRange},
		{"health.interval", "5s", ""},
		{"health.interval", "5 sec", confkit.ErrType},
		{"health.interval", "-1s", confkit.ErrRange},
		{"health.paths.aliases", "false", ""},
		{"health.paths.aliases", "maybe", confkit.ErrType},
		{"health.token", 1234, ""},
		{"health.token", map[string]any{}, confkit.ErrType},
		{"health.lameduk", 1, confkit.ErrUnknownKey},
	} {
		_, err := Load(LoadOptions{Defaults: map[string]any{tc.key: tc.v}})
		if tc.kind == "" {
			if err != nil {
				t.Errorf("%s = %#v: %v", tc.key, tc.v, err)
			}
			continue
		}
		fields := confkit.Fields(err)
		if len(fields) != 1 || fields[0].Path != tc.key || !errors.Is(err, tc.kind) {
			t.Errorf("%s = %#v: %v, want one %q error", tc.key, tc.v, err, tc.kind)
		}
	}
}

package lameduck

import (
	"testing"
	"time"
)

// The "off" switches are Disable… bools whose zero value keeps the
// default; the deprecated SkipPeriod and ConnectionClose are still
// honoured (either spelling turns the thing off).
func TestConfigOffSwitches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		cfg        Config
		wantPeriod time.Duration
		wantClose  bool
	}{
		{"zero value: defaults", Config{}, DefaultPeriod, true},
		{"a period", Config{Period: 3 * time.Second}, 3 * time.Second, true},
		{"DisablePeriod", Config{DisablePeriod: true}, 0, true},
		{"DisableConnectionClose", Config{DisableConnectionClose: true}, DefaultPeriod, false},
		{"deprecated SkipPeriod", Config{SkipPeriod: true}, 0, true},
		{"deprecated ConnectionClose off", Config{ConnectionClose: new(false)}, DefaultPeriod, false},
		{"deprecated ConnectionClose on", Config{ConnectionClose: new(true)}, DefaultPeriod, true},
		{"DisableConnectionClose wins", Config{DisableConnectionClose: true, ConnectionClose: new(true)}, DefaultPeriod, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.cfg.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			if c.Period != tc.wantPeriod {
				t.Errorf("Period = %s, want %s", c.Period, tc.wantPeriod)
			}
			if got := c.connectionClose(); got != tc.wantClose {
				t.Errorf("connection close = %v, want %v", got, tc.wantClose)
			}
		})
	}
}

package lifecycle

import (
	"testing"
	"time"

	"github.com/vitals-go/vitals/fxmodule/config"
)

// health.lameduck maps onto the runner's Disable… switches: period: 0s
// is DisablePeriod, connection_close: false is DisableConnectionClose, and
// the defaults leave both off.
func TestLameDuckConfigOffSwitches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		period      any
		close       bool
		wantPeriod  time.Duration
		wantNoPer   bool
		wantNoClose bool
	}{
		{name: "defaults", period: "10s", close: true, wantPeriod: 10 * time.Second},
		{name: "period 0s", period: "0s", close: true, wantNoPer: true},
		{name: "connection_close false", period: "10s", close: false, wantPeriod: 10 * time.Second, wantNoClose: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(config.LoadOptions{Defaults: map[string]any{
				"health.lameduck.period": tc.period, "health.lameduck.connection_close": tc.close,
			}})
			if err != nil {
				t.Fatal(err)
			}
			ld := (&ownServer{rt: &Runtime{cfg: cfg}}).lameDuckConfig()
			if ld.Period != tc.wantPeriod || ld.DisablePeriod != tc.wantNoPer || ld.DisableConnectionClose != tc.wantNoClose {
				t.Errorf("Period %s, DisablePeriod %v, DisableConnectionClose %v; want %s, %v, %v",
					ld.Period, ld.DisablePeriod, ld.DisableConnectionClose, tc.wantPeriod, tc.wantNoPer, tc.wantNoClose)
			}
		})
	}
}

package testprom_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vitals-go/vitals/internal/testprom"
)

const exposition = `# TYPE up gauge
up{job="a",zone="x"} 1
up{job="b"} 0
# TYPE hits_total counter
hits_total 7
# TYPE lat histogram
lat_bucket{le="+Inf"} 3
lat_sum 1.5
lat_count 3
`

// TestScrapeAndValue: series found by some labels, or by exactly their
// labels; counters and histograms read as their value and sample count.
func TestScrapeAndValue(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, exposition)
	}))
	defer srv.Close()
	fams := testprom.Scrape(t, srv.Client(), srv.URL)
	for _, c := range []struct {
		name   string
		want   map[string]string
		exact  bool
		v      float64
		wantOK bool
	}{
		{"up", map[string]string{"job": "a"}, false, 1, true},
		{"up", map[string]string{"job": "a"}, true, 0, false},
		{"up", map[string]string{"job": "a", "zone": "x"}, true, 1, true},
		{"up", map[string]string{"job": "b"}, true, 0, true},
		{"up", map[string]string{"job": "c"}, false, 0, false},
		{"hits_total", nil, true, 7, true},
		{"lat", nil, true, 3, true},
		{"nope", nil, false, 0, false},
	} {
		if v, ok := testprom.Value(fams[c.name], c.want, c.exact); v != c.v || ok != c.wantOK {
			t.Errorf("Value(%s, %v, exact %v) = %v, %v; want %v, %v", c.name, c.want, c.exact, v, ok, c.v, c.wantOK)
		}
	}
}

package echomw_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

func TestDetailsPolicy(t *testing.T) {
	const secret = "dial tcp 10.0.0.5:5432"
	e, _ := goldenEngine(t)
	byHeader := func(r *http.Request) bool { return r.Header.Get("X-Internal") == "yes" }
	cases := []struct {
		name   string
		cfg    echomw.Config
		header []string
		want   bool
	}{
		{"default, no token configured", echomw.Config{}, []string{"Authorization", "Bearer x"}, false},
		{"authorized, no header", echomw.Config{Token: "t0ken"}, nil, false},
		{"authorized, right token", echomw.Config{Token: "t0ken"}, []string{"Authorization", "Bearer t0ken"}, true},
		{"authorized, scheme case", echomw.Config{Token: "t0ken"}, []string{"Authorization", "bearer t0ken"}, true},
		{"authorized, wrong token", echomw.Config{Token: "t0ken"}, []string{"Authorization", "Bearer t0ke"}, false},
		{"authorized, longer token", echomw.Config{Token: "t0ken"}, []string{"Authorization", "Bearer t0kenn"}, false},
		{"authorized, basic scheme", echomw.Config{Token: "t0ken"}, []string{"Authorization", "Basic t0ken"}, false},
		{"authorized, token as second header", echomw.Config{Token: "t0ken"}, []string{"Authorization", "Bearer no", "Authorization", "Bearer t0ken"}, true},
		{"authorizer yes", echomw.Config{Authorizer: byHeader}, []string{"X-Internal", "yes"}, true},
		{"authorizer no", echomw.Config{Authorizer: byHeader}, []string{"X-Internal", "no"}, false},
		{"never with the token", echomw.Config{Details: echomw.DetailsNever, Token: "t0ken", Authorizer: byHeader}, []string{"Authorization", "Bearer t0ken", "X-Internal", "yes"}, false},
		{"always", echomw.Config{Details: echomw.DetailsAlways}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.StatusPage = statuspage.New // the page follows the same policy
			h, err := echomw.New(e, cfg)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", "/ready", nil)
			for i := 0; i+1 < len(c.header); i += 2 {
				req.Header.Add(c.header[i], c.header[i+1])
			}
			if got := h.ShowDetails(req); got != c.want {
				t.Errorf("ShowDetails = %v, want %v", got, c.want)
			}
			for _, target := range []string{"/ready", "/ready?verbose", "/ready/db", "/ready/db?verbose"} {
				for _, hdr := range [][]string{nil, {"Accept", "text/plain"}} {
					r := do(t, h, "GET", target, append(append([]string(nil), c.header...), hdr...)...)
					if got := strings.Contains(r.body, secret); got != c.want {
						t.Errorf("GET %s %v: body shows the message: %v, want %v\n%s", target, hdr, got, c.want, r.body)
					}
					if !strings.Contains(r.body, "db") {
						t.Errorf("GET %s: the check is not named:\n%s", target, r.body)
					}
				}
			}
			r := do(t, h, "GET", "/jobs", c.header...)
			if got := strings.Contains(r.body, "error_message"); got != c.want {
				t.Errorf("/jobs shows error_message: %v, want %v\n%s", got, c.want, r.body)
			}
			r = do(t, h, "GET", "/status", c.header...)
			if r.code != 200 || !strings.Contains(r.body, "db") {
				t.Fatalf("/status = %d\n%s", r.code, r.body)
			}
			if got := strings.Contains(r.body, "10.0.0.5:5432"); got != c.want {
				t.Errorf("/status shows the message: %v, want %v", got, c.want)
			}
		})
	}
}

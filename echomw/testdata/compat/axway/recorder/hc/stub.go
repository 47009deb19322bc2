package healthcheck

import "net/http"

// Stand-ins for upstream's globals and logger (healthchecker.go's init).
var globalHealthChecker = &healthChecker{Checks: map[string]*statusCheck{}, Status: FAIL}

type nopLogger struct{}

func (nopLogger) Errorf(string, ...any) {}

type nopEntry struct{}

func (nopEntry) Errorf(string, ...any) {}

type withErr struct{}

func (withErr) Errorf(string, ...any) {}

var logger = struct {
	nopLogger
	WithError func(error) withErr
}{WithError: func(error) withErr { return withErr{} }}

// Setup replaces the global checker as RunChecks would leave it, and
// returns a mux routed as HandleRequests does.
func Setup(name, version string, status StatusLevel, checks map[string]*Status) *http.ServeMux {
	globalHealthChecker = &healthChecker{Name: name, Version: version, Checks: map[string]*statusCheck{}, Status: status}
	mux := http.NewServeMux()
	mux.HandleFunc("/status", statusHandler)
	for ep, st := range checks {
		globalHealthChecker.Checks[ep] = &statusCheck{Name: ep + "-name", Endpoint: ep, Status: st}
		mux.HandleFunc("/status/"+ep, checkHandler)
	}
	return mux
}

// Server stands in for upstream's (unused by the handlers).
type Server struct{}

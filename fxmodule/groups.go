package fxmodule

import "fmt"

// Value groups the module collects from the app.
const (
	// GroupChecks collects assemble.Check values: checks the app implements itself.
	GroupChecks = "vitals.checks"
	// GroupProviders collects core.Provider values: extra providers that
	// components of health.checks may name.
	GroupProviders = "vitals.providers"
	// GroupJobs collects assemble.JobsSource values, registered on the jobs provider
	// under their name.
	GroupJobs = "vitals.jobs"
)

func errNoEcho(addr string) error {
	return fmt.Errorf("server.address: %q is set but the app provides no *echo.Echo to serve", addr)
}

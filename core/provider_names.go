package core

// Names of the built-in providers, as components select them
// (Component.Provider, a health.checks entry's provider).
const (
	ProviderHTTP = "http"
	ProviderTCP  = "tcp"
	ProviderTLS  = "tls"
	ProviderDNS  = "dns"
	ProviderJobs = "jobs"
)

// JobsDetailsKey is the key of a jobs check's Details that holds its
// pipeline reports, a []JobsReport (JobsReports reads it).
const JobsDetailsKey = "pipelines"

// JobsReports returns the pipeline reports of a jobs check's result
// (Details[JobsDetailsKey] as the jobs provider sets it), and false when
// the result holds none of that type: another provider's, or details
// rebuilt from JSON or cut by the engine's details limits.
func JobsReports(c Result) ([]JobsReport, bool) {
	r, ok := c.Details[JobsDetailsKey].([]JobsReport)
	return r, ok
}

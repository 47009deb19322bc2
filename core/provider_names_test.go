package core_test

import (
	"context"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// Every built-in provider validates its config; the http one closes its
// idle connections; a MemoryJobs and a function are jobs sources.
var (
	_ = []core.Provider{(*core.HTTPProvider)(nil), (*core.TCPProvider)(nil), (*core.TLSProvider)(nil), (*core.DNSProvider)(nil), (*core.JobsProvider)(nil)}
	_ = []core.ConfigValidator{(*core.HTTPProvider)(nil), (*core.TCPProvider)(nil), (*core.TLSProvider)(nil), (*core.DNSProvider)(nil), (*core.JobsProvider)(nil)}
	_ = []core.JobsChecker{(*coretest.MemoryJobs)(nil), core.JobsCheckerFunc(nil)}

	_ core.Closer = (*core.HTTPProvider)(nil)
)

// JobsReports reads a jobs check's reports as the provider set them, and
// nothing from another result.
func TestJobsReports(t *testing.T) {
	p, jobs := withMemoryJobs(t, "q")
	jobs.Set(core.JobsReport{Pipeline: "emails", Ready: true})
	if p.Name() != core.ProviderJobs {
		t.Fatalf("name %q", p.Name())
	}
	res := p.Check(context.Background(), core.Component{Name: "q", Provider: core.ProviderJobs})
	reports, ok := core.JobsReports(res)
	if !ok || len(reports) != 1 || reports[0].Pipeline != "emails" {
		t.Fatalf("JobsReports = %v, %v (details %v)", reports, ok, res.Details)
	}
	if r, ok := core.JobsReports(core.Result{Details: map[string]any{core.JobsDetailsKey: []any{}}}); ok || r != nil {
		t.Fatalf("JobsReports of untyped details = %v, %v", r, ok)
	}
}

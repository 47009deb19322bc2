package coretest

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/vitals-go/vitals/core"
)

// MemoryJobs is a core.JobsChecker over reports kept in memory: what
// examples and tests use, and a bridge for an application that tracks its
// own pipelines. It is safe for concurrent use. (It was core.MemoryJobs.)
type MemoryJobs struct {
	mu      sync.RWMutex
	reports map[string]core.JobsReport
}

// NewMemoryJobs returns a MemoryJobs with no pipelines.
func NewMemoryJobs() *MemoryJobs {
	return &MemoryJobs{reports: map[string]core.JobsReport{}}
}

// Set adds the report of r.Pipeline or replaces it.
func (m *MemoryJobs) Set(r core.JobsReport) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.reports == nil {
		m.reports = map[string]core.JobsReport{}
	}
	m.reports[r.Pipeline] = r
}

// Remove forgets the named pipeline.
func (m *MemoryJobs) Remove(pipeline string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.reports, pipeline)
}

// JobsState returns a copy of the reports, sorted by pipeline name.
func (m *MemoryJobs) JobsState(ctx context.Context) ([]core.JobsReport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := slices.Collect(maps.Values(m.reports))
	slices.SortFunc(out, func(a, b core.JobsReport) int { return strings.Compare(a.Pipeline, b.Pipeline) })
	return out, nil
}

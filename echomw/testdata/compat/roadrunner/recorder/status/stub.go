package status

import (
	"context"

	jobsApi "github.com/roadrunner-server/api-plugins/v6/jobs"
	"github.com/roadrunner-server/api-plugins/v6/status"
)

// From plugin.go (upstream), without its endure imports.
const pluginsQuery string = "plugin"

type Checker interface {
	Status() (*status.Status, error)
	Name() string
}

type Readiness interface {
	Ready() (*status.Status, error)
	Name() string
}

// JobsChecker is plugin.go's.
type JobsChecker interface {
	JobsState(ctx context.Context) ([]*jobsApi.State, error)
	Name() string
}

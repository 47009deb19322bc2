// Package jobs stands in for api-plugins/v6/jobs: the State fields jobs.go reads.
package jobs

type State struct {
	Pipeline     string
	Driver       string
	Queue        string
	Priority     uint64
	Active       int64
	Delayed      int64
	Reserved     int64
	Ready        bool
	ErrorMessage string
}

// Package status stands in for api-plugins/v6/status: Status is {Code int} upstream.
package status

type Status struct {
	Code int
}

// Package assemble builds Vitals from its configuration without fx: the
// check engine with the built-in http, tcp, jobs and wasm providers, the
// app's own checks and jobs sources, and the checks "vitals config
// validate" runs (Validate). Package fxmodule provides the same engine to
// an fx app (its groups "vitals.checks", "vitals.providers" and
// "vitals.jobs" are the Checks, providers and JobsSources here); package
// fxmodule/lifecycle runs it beside an app's server.
//
// The package links neither fx, gRPC, Prometheus nor echo, so the vitals
// CLI can use it.
package assemble

// Labels of the app's inputs in error messages: the names of the fx value
// groups they come from in package fxmodule ("vitals.checks[0]: ...").
const (
	labelChecks    = "vitals.checks"
	labelProviders = "vitals.providers"
	labelJobs      = "vitals.jobs"
)

// Package echomw serves a core.Engine's health over HTTP: a Handler (New)
// is a plain net/http handler, and package echomw/echoroute registers the
// same routes on an *echo.Echo or *echo.Group (echoroute.Register): one
// implementation behind both. This package imports no echo, and links the
// status page (html/template) only when Config.StatusPage is set, so a
// net/http service pays for neither.
//
// # Endpoints
//
//	GET /health          the liveness group (kubelet livenessProbe, Docker HEALTHCHECK)
//	GET /ready           the readiness group (readinessProbe, load balancers)
//	GET /health/{name}   one liveness check; /ready/{name} one readiness check
//	GET /jobs            the JobsReport list of every jobs check, as JSON
//	GET /status          the status page (package statuspage; Config.StatusPage)
//	/livez, /healthz     aliases of /health; /readyz of /ready (off: Config.DisableAliases)
//	any group            at its own path, and its members under it (Config.Groups)
//
// Paths are configurable (Config); "-" disables one. One route table
// (table.go) decides every path, and PlanRoutes lists it without a
// handler: a path used twice, or a check named like a path under its
// group's path, is an error naming both fields (*CollisionError), never
// one route hiding another. Config.Reserved keeps a neighbour's path (a
// metrics registry, a profiler) out of the table. Config.Profile makes
// some endpoints answer as another package does: ProfileRoadRunner
// (/health and /ready as roadrunner-server/status, ?plugin=) or
// ProfileAxway (/status and /status/{name} as Axway agent-sdk's
// healthcheck; the status page moves to Config.MovedStatusPath). HEAD and OPTIONS
// answer with the same status as GET (OPTIONS is not echo's automatic 204:
// HAProxy's default "option httpchk" sends OPTIONS, and a server that is
// down must not look up). HEAD has no body. Other methods are 405.
//
// # Status codes
//
// /ready answers 200 when the engine is serving (started, not starting
// behind its serving gate, not in lame duck) and every readiness component
// has a result that is Up or Degraded (a non-critical Down counts as
// Degraded; a checked Unknown fails it), or the group is empty: exactly
// core.Snapshot.Ready (core.ComponentStatus.PassesReadiness). Otherwise it
// answers Config.UnavailableStatusCode (default 503).
//
// /health answers 200 when the engine is started (lame duck included: the
// process is alive, just leaving) and no liveness component that has a
// result is Down (critical) or Unknown: exactly core.Snapshot.Live
// (core.ComponentStatus.PassesLiveness). Members without a result yet do
// not fail /health, so a process is not restarted before its first check.
//
// In health+json answers the top-level status is "fail" exactly when the
// code is unavailable, "warn" when it passes with the counted members
// Degraded.
//
// A per-check path answers 200 when its component has a result that is Up
// or Degraded and the phase allows its endpoint (ReadyPath/{name} fails in
// lame duck too); a non-critical component that is Down answers unavailable
// on its own path although it only degrades its group. A name that is not
// a member of the endpoint's group answers 404 naming the members.
//
// Lame duck: Engine.EnterLameDuck (which the lifecycle calls) or
// Handler.SetLameDuck makes /ready fail at once while /health stays 200.
//
// /jobs always answers 200.
//
// # Bodies
//
// By default bodies are application/health+json as in the IETF draft
// "Health Check Response Format for HTTP APIs": status pass, warn (200 but
// Degraded) or fail; serviceId, version, releaseId and description from
// Config.Service; output (why it is not a pass: names and states only);
// checks keyed by component name, each a one-element array with
// componentId, componentType (the provider, "component" for application
// checks), status, time, observedValue/observedUnit (the check's duration
// in ms) and the extensions state (up, degraded, down, unknown) and
// nonCritical. With details, output is the check's message and details its
// Check.Details.
//
// Accept: text/plain (preferred over JSON) answers "ok", or one reason per
// line. ?verbose answers as Kubernetes does: "[+]name ok" or "[-]name
// failed: reason" per check, then "ready check passed|failed".
// ?exclude=name (repeatable) leaves a check out: it neither counts nor
// appears (verbose lists it as "[+]name excluded: ok").
//
// # Details
//
// Check messages, Check.Details and jobs error messages may name hosts and
// internals. By default (DetailsAuthorized) public answers name the checks
// and their states only; a request with "Authorization: Bearer <Token>"
// (compared in constant time) or for which Authorizer returns true sees
// them. DetailsAlways shows them to everyone, DetailsNever to no one.
//
// # Cost
//
// A request never runs a check: everything is read from
// Engine.Snapshot. Answers are rendered at most once per snapshot (and
// lame-duck switch, endpoint, check, format and details), on the first
// request that asks, and then written as is, so a storm of probes costs
// neither checks nor rendering; only ?exclude answers are rendered per
// request. Every answer carries Cache-Control: no-store. See BENCHMARKS.md.
package echomw

// Package config loads and validates the Vitals configuration with koanf:
// embedded defaults, then an optional YAML file, then VITALS_ environment
// variables, then command-line flags. Every error names the key it is
// about ("health.checks[2].interval: ...") and all of them are reported
// at once.
//
// It has no fx dependency, so a command-line tool can load and validate a
// file with Load and (*Config).Validate.
package config

import (
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/notify"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/wasmprobe"
)

// Config is the whole Vitals configuration: the server.* and health.* keys.
type Config struct {
	// Server is the HTTP server Vitals runs for the app (server.*).
	Server Server
	// Health configures checks, endpoints and the lame-duck sequence (health.*).
	Health Health
	// Secrets holds the values of the ${env:NAME} and ${file:PATH}
	// references resolved at load, so that errors, logs and responses
	// redact them; nil when the configuration held none.
	Secrets *confkit.Secrets
}

// Server is the server.* section.
type Server struct {
	// Address (server.address) to listen on. When set, fxmodule runs the
	// app's *echo.Echo on it and owns its shutdown; empty means the app runs
	// its own server.
	Address string
	// ReadHeaderTimeout (server.read_header_timeout, default 10s) closes a
	// connection whose request headers are not all in by then: a client
	// that sends half a request cannot hold a connection (and a file
	// descriptor) for longer.
	ReadHeaderTimeout time.Duration
	// IdleTimeout (server.idle_timeout, default 120s) closes a keep-alive
	// connection that waits this long for its next request.
	IdleTimeout time.Duration
	// ReadTimeout (server.read_timeout, default 0s: off) bounds reading a
	// whole request, body included. Off by default: uploads are the app's.
	ReadTimeout time.Duration
	// WriteTimeout (server.write_timeout, default 0s: off) bounds writing
	// a response. Off by default: long polls and SSE are the app's.
	WriteTimeout time.Duration
	// MaxHeaderBytes (server.max_header_bytes, default 65536) caps the
	// request line and headers of a request.
	MaxHeaderBytes int
	// MaxConnections (server.max_connections, default 0: off) caps the
	// open connections; past it, a reserve of connections serves only the
	// health endpoints (see fxmodule's DESIGN.md section).
	MaxConnections int
}

// ServerKeys are the keys of the server.* section, which FromKoanf reads
// from an app's own server section (its other keys are the app's).
func ServerKeys() []string {
	return []string{"address", "read_header_timeout", "idle_timeout", "read_timeout", "write_timeout",
		"max_header_bytes", "max_connections"}
}

// Health is the health.* section.
type Health struct {
	// CheckTimeout (health.check_timeout) is the timeout of checks that set none.
	CheckTimeout time.Duration
	// Interval (health.interval) is the interval of checks that set none.
	Interval time.Duration
	// UnavailableStatusCode (health.unavailable_status_code) is the HTTP
	// status of a failing /health or /ready.
	UnavailableStatusCode int
	// Details (health.details) says when responses include per-component
	// details: "never", "authorized" (with Token) or "always".
	Details string
	// Token (health.token) authorizes details when Details is "authorized".
	Token string
	// DetailsMaxDepth (health.details_max_depth) bounds the nesting of a
	// result's details, DetailsMaxBytes (health.details_max_bytes) their
	// size as JSON; past them they are cut (core.WithDetailsLimits).
	DetailsMaxDepth, DetailsMaxBytes int
	// Paths (health.paths.*) of the endpoints.
	Paths Paths
	// Compat (health.compat.*) selects a compatibility profile.
	Compat Compat
	// LameDuck (health.lameduck.*) configures graceful shutdown.
	LameDuck LameDuck
	// Service (health.service.*) describes the service in responses.
	Service Service
	// WaitForReady (health.wait_for_ready) bounds how long start waits for
	// the readiness group to pass; 0 does not wait.
	WaitForReady time.Duration
	// Wasm (health.wasm.*) configures the wasm provider.
	Wasm Wasm
	// Status (health.status.*) configures the status page.
	Status Status
	// Notify (health.notify.*) posts state changes to webhooks.
	Notify notify.Config
	// Metrics (health.metrics.*) exports Prometheus metrics.
	Metrics Metrics
	// GRPC (health.grpc.*) serves grpc.health.v1.
	GRPC GRPC
	// Pprof (health.pprof.*) serves Go runtime profiles, off by default.
	Pprof Pprof
	// Checks (health.checks) are the components to check.
	Checks []Check
}

// Paths is the health.paths.* section. Off ("-") as a path turns that
// endpoint off.
type Paths struct {
	// Health (health.paths.health) is the liveness endpoint.
	Health string
	// Ready (health.paths.ready) is the readiness endpoint.
	Ready string
	// Jobs (health.paths.jobs) is the jobs endpoint.
	Jobs string
	// Status (health.paths.status) is the HTML status page.
	Status string
	// PerCheck (health.paths.per_check) also serves /health/{name} and
	// /ready/{name}: one check's state.
	PerCheck bool
	// Aliases (health.paths.aliases) also serves the conventional aliases
	// (/healthz, /livez, /readyz).
	Aliases bool
	// Groups (health.paths.groups, default none) serves more engine
	// groups, each at its path, by group name: {custom: /health/custom}.
	// Each member also gets {path}/{name} when PerCheck is on.
	Groups map[string]string
}

// Compat is the health.compat.* section: a compatibility profile, so that
// a service migrating from another health package keeps its wire shapes.
type Compat struct {
	// Profile (health.compat.profile, default "": none) is "roadrunner"
	// (RoadRunner's status plugin: /health and /ready with ?plugin=) or
	// "axway" (Axway agent-sdk's healthcheck: /status, /status/{name}).
	Profile string
	// MovedStatusPath (health.compat.moved_status_path, default
	// /vitals/status) is where the HTML status page moves when the profile
	// serves /status ("axway"); "-" turns the page off then.
	MovedStatusPath string
}

// Off is the value of a path key that turns its endpoint off, and of
// other string keys that turn something off (health.wasm.cache_dir): "-",
// echomw.PathDisabled.
const Off = echomw.PathDisabled

// Status is the health.status.* section: the HTML status page.
type Status struct {
	// Title (health.status.title) of the page; empty: the service's
	// description or ID.
	Title string
	// History (health.status.history) is how many recent results each
	// component's history bar shows.
	History int
	// Refresh (health.status.refresh) reloads the page this often; 0: never.
	Refresh time.Duration
}

// Metrics is the health.metrics.* section.
type Metrics struct {
	// Enabled (health.metrics.enabled) registers the vitals_* metrics on the
	// app's *prometheus.Registry when it provides one, else on a registry
	// of the module's own (never the global one).
	Enabled bool
	// Path (health.metrics.path) serves the registry on the app's echo;
	// Off ("-") serves nothing (the app serves its registry itself).
	Path string
}

// GRPC is the health.grpc.* section.
type GRPC struct {
	// Address (health.grpc.address) of a gRPC server serving only
	// grpc.health.v1.Health; empty: none.
	Address string
	// MaxConnections (health.grpc.max_connections, default 100) caps the
	// open connections; past it, new ones wait in the kernel's accept
	// queue until one closes.
	MaxConnections int
	// MaxConcurrentStreams (health.grpc.max_concurrent_streams, default
	// 100) caps the RPCs (Watch streams included) of one connection.
	MaxConcurrentStreams int
}

// LameDuck is the health.lameduck.* section.
type LameDuck struct {
	// Period (health.lameduck.period) to keep serving with readiness failing,
	// so that load balancers stop sending new requests.
	Period time.Duration
	// DrainTimeout (health.lameduck.drain_timeout) bounds the graceful
	// shutdown of the server after the period.
	DrainTimeout time.Duration
	// Signals (health.lameduck.signals) that start the sequence, by name
	// ("SIGTERM").
	Signals []string
	// ConnectionClose (health.lameduck.connection_close) asks clients to
	// close keep-alive connections during the period.
	ConnectionClose bool
}

// Service is the health.service.* section, reported in responses.
type Service struct {
	// ID (health.service.id) names the service instance; webhook payloads
	// carry it too.
	ID string
	// Version (health.service.version) of the service.
	Version string
	// ReleaseID (health.service.release_id) of the deployment.
	ReleaseID string
	// Description (health.service.description) of the service; the status
	// page's default title.
	Description string
}

// Wasm is the health.wasm.* section: the wasm provider's options, one key
// per field of wasmprobe.Options (cache_dir, pool_size, memory_pages, the
// max_* limits, compile_timeout; their docs name the keys). Zero values
// keep the provider's defaults; the limits are the defaults of probes that
// do not set the matching config key. Logger, DisableDiskCache and
// DefaultTimeout have no key: the assembly sets what it needs.
type Wasm struct {
	wasmprobe.Options
}

// Check is one entry of health.checks.
type Check struct {
	// Name (name) of the component: unique, 1-253 characters (core.MaxNameLength) of letters, digits, ._-.
	Name string
	// Provider (provider) that runs the check: http, tcp, tls, dns, jobs, wasm, ttl (results pushed with Engine.RecordResult; config ttl), or
	// one the app registers.
	Provider string
	// Interval (interval) between checks; 0: health.interval.
	Interval time.Duration
	// Timeout (timeout) of one check; 0: health.check_timeout.
	Timeout time.Duration
	// Fall (fall) is how many failures in a row publish a failure.
	Fall int
	// Rise (rise) is how many successes in a row publish a success.
	Rise int
	// Groups (groups) the component belongs to; default readiness only.
	Groups []string
	// Critical (critical, default true) failures make the groups Down
	// rather than Degraded.
	Critical bool
	// StartUp (start_up) publishes the component Up until a check proves
	// otherwise, so that it does not hold readiness back at start.
	StartUp bool
	// Config is handed to the provider as it is.
	Config map[string]any
}

// Component returns the core component the check describes.
func (c Check) Component() core.Component {
	return core.Component{
		Name:        c.Name,
		Provider:    c.Provider,
		Config:      c.Config,
		Interval:    c.Interval,
		Timeout:     c.Timeout,
		Fall:        c.Fall,
		Rise:        c.Rise,
		Groups:      c.Groups,
		NonCritical: !c.Critical,
		StartUp:     c.StartUp,
	}
}

package echomw

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// PathDisabled as a path (HealthPath, ReadyPath, JobsPath, StatusPath)
// disables that endpoint.
const PathDisabled = "-"

// Default paths.
const (
	DefaultHealthPath = "/health"
	DefaultReadyPath  = "/ready"
	DefaultJobsPath   = "/jobs"
	DefaultStatusPath = "/status"
)

// Kubernetes-style aliases, served unless Config.DisableAliases: /livez and
// /healthz answer as HealthPath, /readyz as ReadyPath.
const (
	AliasLive    = "/livez"
	AliasHealthz = "/healthz"
	AliasReady   = "/readyz"
)

// DefaultUnavailableStatusCode is the status of a failing /health or /ready.
const DefaultUnavailableStatusCode = http.StatusServiceUnavailable

// DetailsPolicy says when responses include check messages and details
// (error texts, provider details, jobs error messages), which may name hosts
// and internals. Check names and states are always shown.
type DetailsPolicy string

const (
	// DetailsNever never shows messages or details.
	DetailsNever DetailsPolicy = "never"
	// DetailsAuthorized shows them to authorized requests only: a bearer
	// token equal to Config.Token, or Config.Authorizer returning true. It is
	// the default.
	DetailsAuthorized DetailsPolicy = "authorized"
	// DetailsAlways shows them to everyone.
	DetailsAlways DetailsPolicy = "always"
)

// Toggle is an on/off setting whose zero value, ToggleDefault, means the
// default documented on the field.
//
// Deprecated: the settings that took a Toggle are Disable… bools
// (Config.DisableAliases, Config.DisablePerCheckPaths). Toggle goes away
// in the next minor release.
type Toggle int8

const (
	// ToggleDefault means the field's default.
	//
	// Deprecated: leave Config.DisableAliases and DisablePerCheckPaths
	// false.
	ToggleDefault Toggle = iota
	// On turns the setting on.
	//
	// Deprecated: leave Config.DisableAliases and DisablePerCheckPaths
	// false.
	On
	// Off turns the setting off.
	//
	// Deprecated: set Config.DisableAliases or DisablePerCheckPaths.
	Off
)

// OnIf returns On when b is true and Off otherwise, for settings read from
// a boolean configuration key.
//
// Deprecated: set Config.DisableAliases or DisablePerCheckPaths to !b.
func OnIf(b bool) Toggle {
	if b {
		return On
	}
	return Off
}

// Enabled reports whether the toggle is on, def being the field's default.
func (t Toggle) Enabled(def bool) bool {
	switch t {
	case On:
		return true
	case Off:
		return false
	}
	return def
}

// String returns "default", "on" or "off".
func (t Toggle) String() string {
	switch t {
	case ToggleDefault:
		return "default"
	case On:
		return "on"
	case Off:
		return "off"
	}
	return fmt.Sprintf("toggle(%d)", int(t))
}

// ServiceInfo describes the service in application/health+json bodies
// (serviceId, version, releaseId, description). Empty fields are omitted.
type ServiceInfo struct {
	// ID is the serviceId: a unique identifier of the service.
	ID string
	// Version is the public version of the service.
	Version string
	// ReleaseID is the release (build, commit) of the implementation.
	ReleaseID string
	// Description is a human-friendly description of the service.
	Description string
}

// Config configures the health endpoints. Its zero value means the
// defaults, which DefaultConfig spells out, without the status page
// (StatusPage nil).
type Config struct {
	// HealthPath serves the liveness group (default DefaultHealthPath);
	// PathDisabled turns it off.
	HealthPath string
	// ReadyPath serves the readiness group (default DefaultReadyPath);
	// PathDisabled turns it off.
	ReadyPath string
	// JobsPath serves the pipelines of every jobs check as JSON (default
	// DefaultJobsPath); PathDisabled turns it off.
	JobsPath string
	// StatusPath serves the HTML status page StatusPage makes (default
	// DefaultStatusPath when StatusPage is set); PathDisabled turns it off.
	// A path without StatusPage is an error. With ProfileAxway the page is
	// at MovedStatusPath instead.
	StatusPath string
	// StatusPage makes the status page: statuspage.New, which
	// DefaultConfig sets. Nil (the zero Config): no status page, and
	// neither html/template nor the page is linked into the program.
	StatusPage func(*core.Engine, statuspage.Config) (http.Handler, error)
	// Status configures the status page (zero: statuspage's defaults). Its
	// ShowDetails defaults to the handler's details decision
	// (Handler.ShowDetails: Details, Token, Authorizer).
	Status statuspage.Config

	// DisableAliases turns off the Kubernetes-style aliases. By default
	// (false, the zero value) /livez and /healthz are also served as
	// HealthPath and /readyz as ReadyPath, per-check paths included. An
	// alias is not served when its endpoint is disabled or when it is a
	// configured path itself.
	DisableAliases bool
	// DisablePerCheckPaths turns off the per-check paths. By default
	// (false, the zero value) HealthPath/{name} and ReadyPath/{name} serve
	// the state of one member of the group.
	DisablePerCheckPaths bool

	// Aliases is the former spelling of !DisableAliases, still honoured:
	// Off turns the aliases off too.
	//
	// Deprecated: use DisableAliases. Aliases goes away in the next minor
	// release.
	Aliases Toggle
	// PerCheckPaths is the former spelling of !DisablePerCheckPaths, still
	// honoured: Off turns the per-check paths off too.
	//
	// Deprecated: use DisablePerCheckPaths. PerCheckPaths goes away in the
	// next minor release.
	PerCheckPaths Toggle

	// UnavailableStatusCode is the status of a failing /health or /ready and
	// of a failing per-check path (default DefaultUnavailableStatusCode); it
	// must be in 400-599.
	UnavailableStatusCode int

	// Details says when messages and details are shown (default
	// DetailsAuthorized).
	Details DetailsPolicy
	// Token authorizes details when Details is DetailsAuthorized: requests
	// with "Authorization: Bearer <Token>" see them (compared in constant
	// time). Empty: no token authorizes.
	Token string
	// Authorizer, when set, authorizes details for the requests it returns
	// true for (in addition to Token). It runs on every request that could
	// see details, so it must be cheap.
	Authorizer func(*http.Request) bool

	// Service is reported in application/health+json bodies (and, with
	// ProfileAxway, as the name and version of /status).
	Service ServiceInfo

	// Groups serves more engine groups, each at its own path (per-check
	// paths included), by the readiness rule (the liveness rule for
	// core.GroupLiveness); HealthPath and ReadyPath serve liveness and
	// readiness. A path that another route has, or that a per-check path
	// would also answer (a check named like it), is an error naming both.
	Groups []GroupPath
	// Reserved lists paths that others serve on the same router (metrics,
	// a profiler): the handler answers none of them, and a route of its
	// own at one of them is an error naming both.
	Reserved []ReservedPath

	// Profile makes some endpoints answer as the package a service
	// migrates from (default ProfileNone): ProfileRoadRunner or
	// ProfileAxway.
	Profile Profile
	// MovedStatusPath is where the status page is served when the profile
	// takes StatusPath's default (ProfileAxway serves its JSON at /status):
	// default DefaultMovedStatusPath; PathDisabled turns the page off.
	MovedStatusPath string

	// Logger receives configuration and rendering problems (default: the
	// engine's logger).
	Logger *slog.Logger
}

// DefaultConfig returns the configuration the zero Config stands for,
// with the status page (StatusPage: statuspage.New).
func DefaultConfig() Config {
	return Config{
		HealthPath:            DefaultHealthPath,
		ReadyPath:             DefaultReadyPath,
		JobsPath:              DefaultJobsPath,
		StatusPath:            DefaultStatusPath,
		StatusPage:            statuspage.New,
		UnavailableStatusCode: DefaultUnavailableStatusCode,
		Details:               DetailsAuthorized,
		Status:                statuspage.DefaultConfig(),
	}
}

// settings is a validated Config with defaults applied, and its route
// table.
type settings struct {
	health, ready, jobs, status string // "" when disabled
	statusField                 string // the field of the status page's path
	groups                      []GroupPath
	groupFields                 []string // Groups[i] of each of groups
	reserved                    []ReservedPath
	profile                     Profile
	routes                      []route
	eps                         []*endpoint
	shadows                     []shadow
	aliases, perCheck           bool
	unavailable                 int
	details                     DetailsPolicy
	tokenSum                    [sha256.Size]byte
	hasToken                    bool
	authorizer                  func(*http.Request) bool
	service                     ServiceInfo
	log                         *slog.Logger
}

// resolve applies the defaults to cfg, validates it and builds its route
// table for members. Every problem is reported, each a *confkit.FieldError
// whose path is the Go field name ("HealthPath"), all wrapped as
// "echomw: ...".
func resolve(cfg Config, fallback *slog.Logger, members []Member) (settings, error) {
	var errs []error
	bad := func(field string, err error) {
		errs = append(errs, &confkit.FieldError{Path: field, Err: err})
	}
	s := settings{
		unavailable: cfg.UnavailableStatusCode,
		details:     cfg.Details,
		authorizer:  cfg.Authorizer,
		service:     cfg.Service,
		log:         cfg.Logger,
		profile:     cfg.Profile,
		statusField: "StatusPath",
	}
	path := func(field, v, def string) string {
		switch v {
		case "":
			return def
		case PathDisabled:
			return ""
		}
		if err := ValidatePath(v); err != nil {
			bad(field, err)
			return ""
		}
		return v
	}
	if err := s.profile.Validate(); err != nil {
		bad("Profile", err)
	}
	s.health = path("HealthPath", cfg.HealthPath, DefaultHealthPath)
	s.ready = path("ReadyPath", cfg.ReadyPath, DefaultReadyPath)
	s.jobs = path("JobsPath", cfg.JobsPath, DefaultJobsPath)
	switch {
	case cfg.StatusPage != nil && s.profile == ProfileAxway:
		s.status = path("MovedStatusPath", cfg.MovedStatusPath, DefaultMovedStatusPath)
		s.statusField = "MovedStatusPath"
	case cfg.StatusPage != nil:
		s.status = path("StatusPath", cfg.StatusPath, DefaultStatusPath)
	case cfg.StatusPath != "" && path("StatusPath", cfg.StatusPath, "") != "":
		bad("StatusPath", confkit.Problem(confkit.ErrInvalid, "%q is set but StatusPage is nil: set StatusPage to statuspage.New (or StatusPath to %q)", cfg.StatusPath, PathDisabled))
	}
	seenGroup := map[string]int{}
	for i, g := range cfg.Groups {
		field := fmt.Sprintf("Groups[%d]", i)
		if g.Group == "" {
			bad(field+".Group", confkit.Problem(confkit.ErrInvalid, "is empty: name an engine group"))
			continue
		}
		if j, dup := seenGroup[g.Group]; dup {
			bad(field+".Group", confkit.Problem(confkit.ErrInvalid, "%q is also Groups[%d]", g.Group, j))
			continue
		}
		seenGroup[g.Group] = i
		if p := path(field, g.Path, ""); p != "" {
			s.groups = append(s.groups, GroupPath{Group: g.Group, Path: p})
			s.groupFields = append(s.groupFields, field)
		} else if g.Path == "" {
			bad(field, confkit.Problem(confkit.ErrInvalid, "group %q has no path (or %q)", g.Group, PathDisabled))
		}
	}
	for i, r := range cfg.Reserved {
		field := r.Field
		if field == "" {
			field = fmt.Sprintf("Reserved[%d]", i)
		}
		if p := path(field, r.Path, ""); p != "" {
			s.reserved = append(s.reserved, ReservedPath{Path: p, Field: r.Field})
		}
	}
	for _, t := range []struct {
		name string
		v    Toggle
	}{{"Aliases", cfg.Aliases}, {"PerCheckPaths", cfg.PerCheckPaths}} {
		if t.v < ToggleDefault || t.v > Off {
			bad(t.name, confkit.Problem(confkit.ErrRange, "%d is not a Toggle (want ToggleDefault, On or Off; better, use Disable%s)", int(t.v), t.name))
		}
	}
	s.aliases = !cfg.DisableAliases && cfg.Aliases.Enabled(true)
	s.perCheck = !cfg.DisablePerCheckPaths && cfg.PerCheckPaths.Enabled(true)
	if s.unavailable == 0 {
		s.unavailable = DefaultUnavailableStatusCode
	} else if err := s.profile.ValidateUnavailableStatusCode(s.unavailable); err != nil {
		bad("UnavailableStatusCode", err)
	}
	if s.details == "" {
		s.details = DetailsAuthorized
	} else if err := s.details.Validate(); err != nil {
		bad("Details", err)
	}
	if cfg.Token != "" {
		if err := ValidateToken(cfg.Token); err != nil {
			bad("Token", err)
		}
		s.tokenSum = sha256.Sum256([]byte(cfg.Token))
		s.hasToken = true
	}
	if s.log == nil {
		s.log = fallback
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if len(errs) == 0 {
		var terrs []error
		s.routes, s.eps, s.shadows, terrs = s.table(members)
		errs = append(errs, terrs...)
	}
	if len(errs) > 0 {
		return s, joinErrors(errs)
	}
	return s, nil
}

// joinErrors joins errs as "echomw: ...".
func joinErrors(errs []error) error { return fmt.Errorf("echomw: %w", errors.Join(errs...)) }

// The rules below are the only statement of what echomw accepts; the
// fxmodule/config package calls them for its keys.

// ValidatePath says what is wrong with an endpoint path, quoting it, or
// nil. PathDisabled is not a path: callers handle it first.
func ValidatePath(p string) error {
	why := ""
	switch {
	case !strings.HasPrefix(p, "/"):
		why = `must start with "/"`
	case p == "/":
		why = `must not be "/" (per-check paths and other routes live under it)`
	case strings.HasSuffix(p, "/"):
		why = `must not end with "/"`
	case strings.Contains(p, "//"):
		why = `must not contain "//"`
	case strings.ContainsAny(p, ":*?#% \t\r\n"):
		why = `must not contain ':', '*', '?', '#', '%' or white space`
	default:
		return nil
	}
	return confkit.Problem(confkit.ErrInvalid, "%q %s (or %q to disable)", p, why, PathDisabled)
}

// ValidateToken says what is wrong with a details token, or nil: it must
// not contain white space (it travels in an Authorization header).
func ValidateToken(t string) error {
	if strings.TrimSpace(t) != t || strings.ContainsAny(t, "\r\n\t ") {
		return confkit.Problem(confkit.ErrInvalid, "must not contain white space")
	}
	return nil
}

// ValidateUnavailableStatusCode says what is wrong with the status of a
// failing endpoint, or nil: it must be an HTTP error status, 400-599.
func ValidateUnavailableStatusCode(code int) error {
	if code < 400 || code > 599 {
		return confkit.Problem(confkit.ErrRange, "%d is not an HTTP error status (400-599)", code)
	}
	return nil
}

// Profile names the package whose wire shapes some endpoints keep, so
// that a service migrating from it keeps its scripts and load balancers.
type Profile string

const (
	// ProfileNone answers in Vitals' own shapes. It is the default.
	ProfileNone Profile = ""
	// ProfileRoadRunner answers HealthPath and ReadyPath (and their
	// aliases) and JobsPath as RoadRunner's status plugin
	// (roadrunner-server/status) does: ?plugin=a&plugin=b selects checks,
	// the body is its JSON list of {plugin_name, error_message,
	// status_code} (of JobsReport on JobsPath), a shutting-down service
	// says so in text.
	ProfileRoadRunner Profile = "roadrunner"
	// ProfileAxway adds Axway agent-sdk's healthcheck paths: /status (the
	// whole set) and /status/{name} (one check). The status page moves to
	// MovedStatusPath, which New logs.
	ProfileAxway Profile = "axway"
)

// AxwayStatusPath is the path of ProfileAxway's JSON status.
const AxwayStatusPath = "/status"

// DefaultMovedStatusPath is where the status page moves when the profile
// serves AxwayStatusPath.
const DefaultMovedStatusPath = "/vitals/status"

// Validate says what is wrong with a profile name, or nil.
func (p Profile) Validate() error {
	switch p {
	case ProfileNone, ProfileRoadRunner, ProfileAxway:
		return nil
	}
	return confkit.Problem(confkit.ErrInvalid, "%q is not a profile (want %q, %q or empty)", string(p), ProfileRoadRunner, ProfileAxway)
}

// ValidateUnavailableStatusCode is ValidateUnavailableStatusCode with the
// profile's reason: RoadRunner accepts 100-599, of which Vitals refuses
// 100-399 and says why.
func (p Profile) ValidateUnavailableStatusCode(code int) error {
	if p == ProfileRoadRunner && code >= 100 && code < 400 {
		return confkit.Problem(confkit.ErrRange, "%d is accepted by RoadRunner's status plugin (100-599) but not here: a failing check would answer a status that load balancers count as up; use 400-599 (RoadRunner's default is 503)", code)
	}
	return ValidateUnavailableStatusCode(code)
}

// Validate says what is wrong with a details policy, or nil; the empty
// policy is not valid here (Config treats it as DetailsAuthorized).
func (p DetailsPolicy) Validate() error {
	switch p {
	case DetailsNever, DetailsAuthorized, DetailsAlways:
		return nil
	}
	return confkit.Problem(confkit.ErrInvalid, "%q is not one of %q, %q, %q", string(p), DetailsNever, DetailsAuthorized, DetailsAlways)
}

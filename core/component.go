package core

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// Well-known groups. A component may belong to any number of groups; these two
// back the liveness (/health) and readiness (/ready) endpoints.
const (
	GroupLiveness  = "liveness"
	GroupReadiness = "readiness"
)

// Defaults applied by Component.WithDefaults to zero fields.
const (
	DefaultInterval = 10 * time.Second
	DefaultTimeout  = 5 * time.Second
	DefaultFall     = 3
	DefaultRise     = 2
)

// namePattern is the form of group and provider names: 1-63 characters.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$`)

// MaxNameLength bounds a component name: 253 characters, the length of a
// DNS name, enough for one or a 64-hex-digit container ID with a prefix.
const MaxNameLength = 253

// componentNamePattern is the form of component names: the alphabet of
// namePattern (safe unescaped in URL paths, in Prometheus label values and
// in JSON keys), up to MaxNameLength characters.
var componentNamePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,252}$`)

// Component is one thing the engine checks: which provider checks it, with
// what configuration, how often, and which groups its result counts in.
// Zero values mean the package defaults (see WithDefaults).
type Component struct {
	// Name identifies the component: 1-253 (MaxNameLength) characters of
	// letters, digits, '.', '_' and '-', starting with a letter or digit: a
	// DNS name or a container ID fits. It appears unescaped in URLs and
	// metric labels.
	Name string `json:"name"`
	// Provider is the registered name of the provider that checks it.
	Provider string `json:"provider"`
	// Config is handed to the provider; its keys are the provider's business.
	Config map[string]any `json:"config,omitempty"`
	// Interval between two background checks (default DefaultInterval).
	Interval time.Duration `json:"interval"`
	// Timeout of one check, passed as the context deadline (default DefaultTimeout).
	Timeout time.Duration `json:"timeout"`
	// Fall is the number of consecutive failures before the published state
	// becomes Down (default DefaultFall), as HAProxy's "fall".
	Fall int `json:"fall"`
	// Rise is the number of consecutive successes before a Down component is
	// published as Up again (default DefaultRise), as HAProxy's "rise".
	Rise int `json:"rise"`
	// Groups the component counts in. Empty means [GroupReadiness]: a
	// dependency that fails should take the instance out of rotation, not get
	// it restarted.
	Groups []string `json:"groups"`
	// NonCritical components that fail make their groups Degraded instead of Down.
	NonCritical bool `json:"non_critical,omitempty"`
	// StartUp publishes Up before the first result instead of Unknown, for
	// components that must not hold readiness back at start.
	StartUp bool `json:"start_up,omitempty"`
}

// Critical reports whether a failure of the component makes its groups Down.
func (c Component) Critical() bool { return !c.NonCritical }

// WithDefaults returns a copy with every zero field set to its default.
func (c Component) WithDefaults() Component {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Fall == 0 {
		c.Fall = DefaultFall
	}
	if c.Rise == 0 {
		c.Rise = DefaultRise
	}
	if len(c.Groups) == 0 {
		c.Groups = []string{GroupReadiness}
	}
	return c
}

// Validate reports every problem with the component (after defaults), each
// a *confkit.FieldError naming the field.
func (c Component) Validate() error {
	var errs []error
	if !componentNamePattern.MatchString(c.Name) {
		errs = append(errs, confkit.Errorf("name", "%s must be 1-253 letters, digits, '.', '_' or '-', starting with a letter or digit", quoteName(c.Name)))
	}
	if c.Provider == "" {
		errs = append(errs, &confkit.FieldError{Path: "provider", Err: confkit.Problem(confkit.ErrRequired, "is required")})
	}
	if c.Interval < 0 {
		errs = append(errs, confkit.Errorf("interval", "%s must be positive", c.Interval))
	}
	if c.Timeout < 0 {
		errs = append(errs, confkit.Errorf("timeout", "%s must be positive", c.Timeout))
	}
	if c.Fall < 0 {
		errs = append(errs, confkit.Errorf("fall", "%d must be at least 1", c.Fall))
	}
	if c.Rise < 0 {
		errs = append(errs, confkit.Errorf("rise", "%d must be at least 1", c.Rise))
	}
	for i, g := range c.Groups {
		if !namePattern.MatchString(g) {
			errs = append(errs, confkit.Errorf(fmt.Sprintf("groups[%d]", i), "%q is not a valid group name", g))
		}
	}
	if err := errors.Join(errs...); err != nil {
		if c.Name != "" {
			return fmt.Errorf("component %s: %w", quoteName(c.Name), err)
		}
		return fmt.Errorf("component: %w", err)
	}
	return nil
}

// quoteName quotes a name for an error, a name past MaxNameLength cut to
// its start and its length, so that an error stays readable.
func quoteName(n string) string {
	if len(n) <= MaxNameLength {
		return fmt.Sprintf("%q", n)
	}
	return fmt.Sprintf("%q… (%d bytes)", n[:64], len(n))
}

// InGroup reports whether the component counts in group g.
func (c Component) InGroup(g string) bool { return slices.Contains(c.Groups, g) }

// Clone returns a deep enough copy: the slices and the top level of Config
// are not shared with c.
func (c Component) Clone() Component {
	c.Groups = slices.Clone(c.Groups)
	c.Config = maps.Clone(c.Config)
	return c
}

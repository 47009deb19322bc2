package config

import (
	"fmt"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/echomw"
)

// MinPprofTokenLength is the shortest health.pprof.token accepted:
// profiles show the program's internals and a CPU profile costs CPU.
const MinPprofTokenLength = 16

// Pprof is the health.pprof.* section: Go runtime profiles, off by
// default, served only to requests bearing their own token (never
// health.token, and health.details: always does not open them).
type Pprof struct {
	// Enabled (health.pprof.enabled) serves the profiles under Path on the
	// app's echo (default false).
	Enabled bool
	// Token (health.pprof.token) is the bearer token every pprof request
	// must send; required when Enabled, at least MinPprofTokenLength
	// characters, not health.token. ${env:NAME} and ${file:PATH} work.
	Token string
	// Path (health.pprof.path) is the prefix of the routes (default
	// /debug/pprof).
	Path string
}

func pprofConfig(r *confkit.Reader) Pprof {
	return Pprof{
		Enabled: r.Bool("enabled", false),
		Token:   r.String("token", ""),
		Path:    r.String("path", ""),
	}
}

// validate checks the health.pprof.* keys; detailsToken is health.token.
func (p Pprof) validate(detailsToken string) []error {
	var errs []error
	bad := func(key string, err error) {
		errs = append(errs, &confkit.FieldError{Path: "health.pprof." + key, Err: err})
	}
	if p.Token != "" {
		if err := echomw.ValidateToken(p.Token); err != nil {
			bad("token", err)
		}
	}
	if !p.Enabled {
		return errs
	}
	switch {
	case p.Token == "":
		bad("token", fmt.Errorf("is required when health.pprof.enabled is true: profiles are never served without their own token (health.details: always does not open them)"))
	case len(p.Token) < MinPprofTokenLength:
		bad("token", fmt.Errorf("is %d characters, fewer than %d", len(p.Token), MinPprofTokenLength))
	case p.Token == detailsToken:
		bad("token", fmt.Errorf("is health.token: give profiles a token of their own"))
	}
	if err := echomw.ValidatePath(p.Path); err != nil {
		bad("path", err)
	}
	return errs
}

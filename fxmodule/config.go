package fxmodule

import (
	"github.com/knadh/koanf/v2"
	"go.uber.org/fx"

	"github.com/vitals-go/vitals/fxmodule/config"
)

// Config is the Vitals configuration (see package fxmodule/config).
type Config = config.Config

// LoadOptions says which configuration layers LoadConfig reads.
type LoadOptions = config.LoadOptions

// LoadConfig loads and validates the configuration: built-in defaults,
// o.Defaults, o.File, VITALS_ environment variables (with o.Env), o.Flags.
func LoadConfig(o LoadOptions) (*Config, error) { return config.Load(o) }

// ConfigParams are what the module's *Config is made from. Provide at most
// one of them; with neither, the configuration is the built-in defaults
// under the VITALS_ environment variables.
type ConfigParams struct {
	fx.In

	// Koanf is the app's own koanf instance: its health.* keys and
	// server.address are read (config.FromKoanf).
	Koanf *koanf.Koanf `optional:"true"`
	// Load says how to load the configuration (config.Load), as
	// fx.Supply(&fxmodule.LoadOptions{File: path, Env: true}).
	Load *LoadOptions `optional:"true"`
}

// NewConfig returns the configuration from the app's koanf instance k when
// it is not nil, else loaded as o says (o nil: defaults and environment).
func NewConfig(k *koanf.Koanf, o *LoadOptions) (*Config, error) {
	if k != nil {
		return config.FromKoanf(k)
	}
	if o == nil {
		o = &LoadOptions{Env: true}
	}
	return config.Load(*o)
}

func provideConfig(p ConfigParams) (*Config, error) { return NewConfig(p.Koanf, p.Load) }

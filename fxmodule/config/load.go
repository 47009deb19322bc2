package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/internal/errlist"
)

// EnvPrefix starts the environment variables Load reads. After it, "__"
// separates levels: VITALS_HEALTH__LAMEDUCK__PERIOD=0s sets
// health.lameduck.period.
const EnvPrefix = "VITALS_"

// LoadOptions says which layers Load reads, in this order: the built-in
// defaults, Defaults, File, the environment, Flags.
type LoadOptions struct {
	// Defaults are the app's own defaults, by key ("server.address") or
	// nested, over the built-in ones.
	Defaults map[string]any
	// File is a YAML file; empty reads none.
	File string
	// Env reads the VITALS_ environment variables.
	Env bool
	// Environ replaces os.Environ, for tests.
	Environ func() []string
	// Flags that the user set override everything. A flag applies to the key
	// FlagKeys maps its name to, or else to the key it is named after
	// ("health.interval"); other flags (as --config) are not Vitals'. The
	// defaults of flags are never applied: use Defaults.
	Flags *pflag.FlagSet
	// FlagKeys maps flag names to keys, as "address" to "server.address".
	FlagKeys map[string]string
}

// Load reads the configuration layers and returns the validated Config.
// The error joins every problem found, each naming its key.
func Load(o LoadOptions) (*Config, error) {
	k, sources, err := load(o)
	if err != nil {
		return nil, err
	}
	return finish(decode(k.Raw(), sources, true, &confkit.Secrets{LookupEnv: lookupEnv(o.Environ)}))
}

// finish validates a decoded config and joins the problems of both steps;
// a key that could not be decoded is not reported again by validation.
func finish(cfg *Config, decodeErr error) (*Config, error) {
	verr := cfg.Validate()
	if decodeErr == nil && verr == nil {
		return cfg, nil
	}
	var failed []string
	for _, e := range flatten(decodeErr) {
		if ke, ok := e.(*KeyError); ok {
			failed = append(failed, ke.Path)
		}
	}
	errs := flatten(decodeErr)
	for _, e := range flatten(verr) {
		if ke, ok := e.(*KeyError); ok && underAny(ke.Path, failed) {
			continue
		}
		errs = append(errs, e)
	}
	return nil, cfg.Secrets.RedactError(errors.Join(errs...))
}

// lookupEnv looks variables up in environ's result, or in the process
// environment when environ is nil.
func lookupEnv(environ func() []string) func(string) (string, bool) {
	if environ == nil {
		return os.LookupEnv
	}
	return func(name string) (string, bool) {
		for _, kv := range environ() {
			if k, v, ok := strings.Cut(kv, "="); ok && k == name {
				return v, true
			}
		}
		return "", false
	}
}

// flatten lists the problems in a loader's joined errors.
func flatten(err error) []error { return errlist.Leaves(err) }

// underAny reports whether key is one of keys or below one of them.
func underAny(key string, keys []string) bool {
	for _, k := range keys {
		if key == k || strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}

// FromKoanf reads the configuration from an app's own koanf instance: the
// health.* keys (unknown ones are errors) and the server.* keys Vitals
// knows (ServerKeys), over the
// built-in defaults. Other keys are the app's and are not looked at.
func FromKoanf(app *koanf.Koanf) (*Config, error) {
	if app == nil {
		return nil, errors.New("config: koanf instance is nil")
	}
	k := koanf.New(".")
	if err := k.Load(rawbytes.Provider(defaultsYAML), yaml.Parser()); err != nil {
		return nil, fmt.Errorf("config: built-in defaults: %w", err)
	}
	mine := map[string]any{}
	if app.Exists("health") {
		mine["health"] = app.Get("health")
	}
	server := map[string]any{}
	for _, key := range ServerKeys() {
		if app.Exists("server." + key) {
			server[key] = app.Get("server." + key)
		}
	}
	if len(server) > 0 {
		mine["server"] = server
	}
	if err := k.Load(confmap.Provider(mine, ""), nil); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return finish(decode(k.Raw(), nil, false, &confkit.Secrets{}))
}

// load merges the layers into one koanf instance and records which keys
// came from the environment or flags.
func load(o LoadOptions) (*koanf.Koanf, map[string]string, error) {
	k := koanf.New(".")
	sources := map[string]string{}
	if err := k.Load(rawbytes.Provider(defaultsYAML), yaml.Parser()); err != nil {
		return nil, nil, fmt.Errorf("config: built-in defaults: %w", err)
	}
	if len(o.Defaults) > 0 {
		if err := k.Load(confmap.Provider(o.Defaults, "."), nil); err != nil {
			return nil, nil, fmt.Errorf("config: app defaults: %w", err)
		}
	}
	if o.File != "" {
		b, err := os.ReadFile(o.File)
		if err != nil {
			return nil, nil, fmt.Errorf("config: %w", err)
		}
		if err := k.Load(rawbytes.Provider(b), yaml.Parser()); err != nil {
			return nil, nil, fmt.Errorf("config: %s: %w", o.File, err)
		}
	}
	if o.Env {
		p := env.Provider(".", env.Opt{
			Prefix:      EnvPrefix,
			EnvironFunc: o.Environ,
			TransformFunc: func(name, value string) (string, any) {
				key := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, EnvPrefix)), "__", ".")
				sources[key] = "environment variable " + name
				return key, value
			},
		})
		if err := k.Load(p, nil); err != nil {
			return nil, nil, fmt.Errorf("config: environment: %w", err)
		}
	}
	if o.Flags != nil {
		if err := k.Load(posflag.ProviderWithFlag(o.Flags, ".", k, flagKey(o, k, sources)), nil); err != nil {
			return nil, nil, fmt.Errorf("config: flags: %w", err)
		}
	}
	return k, sources, nil
}

// flagKey maps a flag to its key and value; unchanged flags and flags that
// are not Vitals' are skipped.
func flagKey(o LoadOptions, k *koanf.Koanf, sources map[string]string) func(*pflag.Flag) (string, any) {
	return func(f *pflag.Flag) (string, any) {
		key, ok := o.FlagKeys[f.Name]
		if !ok {
			if !k.Exists(f.Name) {
				return "", nil
			}
			key = f.Name
		}
		if !f.Changed {
			return "", nil
		}
		val := posflag.FlagVal(o.Flags, f)
		if d, ok := val.(time.Duration); ok {
			val = d.String()
		}
		sources[key] = "flag --" + f.Name
		return key, val
	}
}

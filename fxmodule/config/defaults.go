package config

import _ "embed"

// defaultsYAML holds the built-in defaults, the first layer of every load.
//
//go:embed defaults.yaml
var defaultsYAML []byte

// DefaultsYAML returns the built-in defaults as YAML: every key with its
// default value.
func DefaultsYAML() []byte { return append([]byte(nil), defaultsYAML...) }

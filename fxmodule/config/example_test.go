package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// Load reads the built-in defaults, then a YAML file, then the VITALS_
// environment variables ("__" between levels), and validates the result.
func ExampleLoad() {
	dir, err := os.MkdirTemp("", "vitals-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "vitals.yaml")
	yaml := "health:\n  interval: 30s\n  checks:\n    - name: db\n      provider: tcp\n      config: {address: \"db.internal:5432\"}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := config.Load(config.LoadOptions{
		File: file,
		Env:  true,
		// The environment overrides the file (os.Environ when Environ is nil).
		Environ: func() []string { return []string{"VITALS_HEALTH__INTERVAL=5s"} },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("interval:", cfg.Health.Interval)
	fmt.Println("timeout (default):", cfg.Health.CheckTimeout)
	fmt.Println("checks:", cfg.Health.Checks[0].Name)
	// Output:
	// interval: 5s
	// timeout (default): 5s
	// checks: db
}

// Every problem is reported at once, each naming its key; each is a
// *confkit.FieldError.
func ExampleLoad_errors() {
	_, err := config.Load(config.LoadOptions{Env: true, Environ: func() []string {
		return []string{"VITALS_HEALTH__INTERVAL=soon", "VITALS_HEALTH__UNAVAILABLE_STATUS_CODE=200"}
	}})
	fmt.Println(err)
	var ke *confkit.FieldError
	if errors.As(err, &ke) {
		fmt.Println("first key:", ke.Path)
	}
	// Output:
	// health.interval: "soon" is not a duration (write it as "5s", "250ms", "1m30s") (from environment variable VITALS_HEALTH__INTERVAL)
	// health.unavailable_status_code: 200 is not an HTTP error status (400-599)
	// first key: health.interval
}

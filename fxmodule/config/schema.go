package config

import (
	"errors"
	"math"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/notify"
	"github.com/vitals-go/vitals/wasmprobe"
)

// decode builds a Config from koanf's raw map with a confkit.Reader (the
// one decoder of loose config), reporting unknown keys and badly typed
// values, each as a *confkit.FieldError with its full key and, when the
// value did not come from a file, its source (sources maps keys to where
// they came from). With strictRoot, top-level keys other than server and health are
// unknown (a file of Vitals' own); otherwise they belong to the app and
// only Vitals' keys are read from server.
//
// Secret references in any string (${env:NAME}, ${file:PATH}) are resolved
// first with secrets, which is kept in the Config when it resolved any.
// Lists that arrive as one string (an environment variable) are parsed as
// YAML first (yamlLists).
func decode(raw map[string]any, sources map[string]string, strictRoot bool, secrets *confkit.Secrets) (*Config, error) {
	errs := confkit.Fields(secrets.Resolve(raw))
	errs = append(errs, yamlLists(raw)...)
	r := confkit.NewReader(raw)
	var cfg Config
	if strictRoot {
		r.Only("server", "health")
		cfg.Server = server(r.Object("server", ServerKeys()...))
	} else {
		cfg.Server = server(r.Object("server"))
	}
	cfg.Health = health(r.Object("health", "check_timeout", "interval", "unavailable_status_code",
		"details", "token", "paths", "lameduck", "service", "wait_for_ready", "wasm", "checks",
		"status", "notify", "metrics", "grpc", "details_max_depth", "details_max_bytes", "pprof", "compat"))
	if secrets.Len() > 0 {
		cfg.Secrets = secrets
	}
	errs = append(errs, confkit.Fields(r.Err())...)
	out := make([]error, len(errs))
	for i, fe := range errs {
		fe.Source = source(sources, fe.Path)
		out[i] = fe
	}
	return &cfg, errors.Join(out...)
}

// integer reads an int key; its range is checked by Validate.
func integer(r *confkit.Reader, key string) int { return int(r.Int(key, 0, math.MinInt, math.MaxInt)) }

// duration reads a duration key, which must not be negative.
func duration(r *confkit.Reader, key string) time.Duration { return r.Duration(key, 0, 0, 0) }

func server(r *confkit.Reader) Server {
	return Server{
		Address:           r.String("address", ""),
		ReadHeaderTimeout: duration(r, "read_header_timeout"),
		IdleTimeout:       duration(r, "idle_timeout"),
		ReadTimeout:       duration(r, "read_timeout"),
		WriteTimeout:      duration(r, "write_timeout"),
		MaxHeaderBytes:    integer(r, "max_header_bytes"),
		MaxConnections:    integer(r, "max_connections"),
	}
}

func health(r *confkit.Reader) Health {
	h := Health{
		CheckTimeout:          duration(r, "check_timeout"),
		Interval:              duration(r, "interval"),
		UnavailableStatusCode: integer(r, "unavailable_status_code"),
		Details:               r.String("details", ""),
		Token:                 r.String("token", ""),
		WaitForReady:          duration(r, "wait_for_ready"),
		DetailsMaxDepth:       integer(r, "details_max_depth"),
		DetailsMaxBytes:       integer(r, "details_max_bytes"),
	}
	h.Paths = paths(r.Object("paths", "health", "ready", "jobs", "status", "per_check", "aliases", "groups"))
	c := r.Object("compat", "profile", "moved_status_path")
	h.Compat = Compat{Profile: c.String("profile", ""), MovedStatusPath: c.String("moved_status_path", "")}
	h.LameDuck = lameDuck(r.Object("lameduck", "period", "drain_timeout", "signals", "connection_close"))
	h.Service = service(r.Object("service", "id", "version", "release_id", "description"))
	h.Wasm = wasm(r.Object("wasm", "cache_dir", "pool_size", "memory_pages", "max_output_bytes",
		"max_log_lines", "max_log_line_bytes", "max_response_bytes", "max_stdio_bytes",
		"max_concurrent_calls", "max_net_calls", "max_sockets",
		"max_table_elements", "max_module_bytes", "max_functions", "max_function_body_bytes",
		"max_function_locals", "max_globals", "max_element_segment_entries",
		"max_data_segment_bytes", "compile_timeout"))
	h.Status = status(r.Object("status", "title", "history", "refresh"))
	h.Notify = notifyConfig(r.Object("notify", "webhooks", "queue_size", "backoff", "max_backoff"))
	h.Metrics = metrics(r.Object("metrics", "enabled", "path"))
	h.GRPC = grpc(r.Object("grpc", "address", "max_connections", "max_concurrent_streams"))
	h.Pprof = pprofConfig(r.Object("pprof", "enabled", "token", "path"))
	for _, c := range r.Objects("checks", "name", "provider", "interval", "timeout", "fall", "rise",
		"groups", "critical", "start_up", "config") {
		h.Checks = append(h.Checks, check(c))
	}
	return h
}

func paths(r *confkit.Reader) Paths {
	return Paths{
		Health:   r.String("health", ""),
		Ready:    r.String("ready", ""),
		Jobs:     r.String("jobs", ""),
		Status:   r.String("status", ""),
		Aliases:  r.Bool("aliases", false),
		PerCheck: r.Bool("per_check", false),
		Groups:   r.StringMap("groups"),
	}
}

func lameDuck(r *confkit.Reader) LameDuck {
	return LameDuck{
		Period:          duration(r, "period"),
		DrainTimeout:    duration(r, "drain_timeout"),
		Signals:         r.Strings("signals"),
		ConnectionClose: r.Bool("connection_close", false),
	}
}

func service(r *confkit.Reader) Service {
	return Service{
		ID:          r.String("id", ""),
		Version:     r.String("version", ""),
		ReleaseID:   r.String("release_id", ""),
		Description: r.String("description", ""),
	}
}

func wasm(r *confkit.Reader) Wasm {
	n := func(k string) int { return integer(r, k) }
	return Wasm{Options: wasmprobe.Options{
		CacheDir:         r.String("cache_dir", ""),
		PoolSize:         n("pool_size"),
		MemoryPages:      n("memory_pages"),
		MaxOutputBytes:   n("max_output_bytes"),
		MaxLogLines:      n("max_log_lines"),
		MaxLogLineBytes:  n("max_log_line_bytes"),
		MaxResponseBytes: n("max_response_bytes"),
		MaxStdioBytes:    n("max_stdio_bytes"),

		MaxConcurrentCalls:       n("max_concurrent_calls"),
		MaxNetCalls:              n("max_net_calls"),
		MaxSockets:               n("max_sockets"),
		MaxTableElements:         n("max_table_elements"),
		MaxModuleBytes:           n("max_module_bytes"),
		MaxFunctions:             n("max_functions"),
		MaxFunctionBodyBytes:     n("max_function_body_bytes"),
		MaxFunctionLocals:        n("max_function_locals"),
		MaxGlobals:               n("max_globals"),
		MaxElementSegmentEntries: n("max_element_segment_entries"),
		MaxDataSegmentBytes:      n("max_data_segment_bytes"),
		CompileTimeout:           duration(r, "compile_timeout"),
	}}
}

func check(r *confkit.Reader) Check {
	return Check{
		Name:     r.String("name", ""),
		Provider: r.String("provider", ""),
		Interval: duration(r, "interval"),
		Timeout:  duration(r, "timeout"),
		Fall:     integer(r, "fall"),
		Rise:     integer(r, "rise"),
		Groups:   r.Strings("groups"),
		Critical: r.Bool("critical", true),
		StartUp:  r.Bool("start_up", false),
		Config:   r.AnyMap("config"),
	}
}

func status(r *confkit.Reader) Status {
	return Status{
		Title:   r.String("title", ""),
		History: integer(r, "history"),
		Refresh: duration(r, "refresh"),
	}
}

func notifyConfig(r *confkit.Reader) notify.Config {
	c := notify.Config{
		QueueSize:  integer(r, "queue_size"),
		Backoff:    duration(r, "backoff"),
		MaxBackoff: duration(r, "max_backoff"),
	}
	for _, w := range r.Objects("webhooks", "url", "format", "headers", "timeout", "max_retries") {
		c.Webhooks = append(c.Webhooks, webhook(w))
	}
	return c
}

func webhook(r *confkit.Reader) notify.Webhook {
	w := notify.Webhook{
		URL:        r.String("url", ""),
		Format:     r.String("format", ""),
		Timeout:    duration(r, "timeout"),
		MaxRetries: integer(r, "max_retries"),
	}
	if h := r.StringMap("headers"); len(h) > 0 {
		w.Headers = h
	}
	return w
}

func metrics(r *confkit.Reader) Metrics {
	return Metrics{
		Enabled: r.Bool("enabled", false),
		Path:    r.String("path", ""),
	}
}

func grpc(r *confkit.Reader) GRPC {
	return GRPC{
		Address:              r.String("address", ""),
		MaxConnections:       integer(r, "max_connections"),
		MaxConcurrentStreams: integer(r, "max_concurrent_streams"),
	}
}

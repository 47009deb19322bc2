package config

import (
	"maps"
	"slices"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/notify"
)

// decode builds a Config from koanf's raw map, reporting unknown keys and
// badly typed values. With strictRoot, top-level keys other than server and
// health are unknown (a file of Vitals' own); otherwise they belong to the
// app and only server.address is read from server.
//
// Secret references in any string (${env:NAME}, ${file:PATH}) are resolved
// first with secrets, which is kept in the Config when it resolved any.
func decode(raw map[string]any, sources map[string]string, strictRoot bool, secrets *confkit.Secrets) (*Config, error) {
	d := &decoder{sources: sources}
	for _, fe := range confkit.Fields(secrets.Resolve(raw)) {
		d.fail(fe.Path, fe.Err)
	}
	var root map[string]any
	if strictRoot {
		root = d.object("", raw, "server", "health")
	} else {
		root = raw
	}
	var cfg Config
	var server map[string]any
	if strictRoot {
		server = d.object("server", root["server"], ServerKeys()...)
	} else if m, err := confkit.Map(root["server"]); err == nil {
		server = m
	}
	cfg.Server = d.server("server", server)
	cfg.Health = d.health("health", root["health"])
	if secrets.Len() > 0 {
		cfg.Secrets = secrets
	}
	return &cfg, d.err()
}

func (d *decoder) server(key string, m map[string]any) Server {
	return Server{
		Address:           d.str(join(key, "address"), m["address"]),
		ReadHeaderTimeout: d.duration(join(key, "read_header_timeout"), m["read_header_timeout"]),
		IdleTimeout:       d.duration(join(key, "idle_timeout"), m["idle_timeout"]),
		ReadTimeout:       d.duration(join(key, "read_timeout"), m["read_timeout"]),
		WriteTimeout:      d.duration(join(key, "write_timeout"), m["write_timeout"]),
		MaxHeaderBytes:    d.integer(join(key, "max_header_bytes"), m["max_header_bytes"]),
		MaxConnections:    d.integer(join(key, "max_connections"), m["max_connections"]),
	}
}

func (d *decoder) health(key string, v any) Health {
	m := d.object(key, v, "check_timeout", "interval", "unavailable_status_code",
		"details", "token", "paths", "lameduck", "service", "wait_for_ready", "wasm", "checks",
		"status", "notify", "metrics", "grpc",
		"details_max_depth", "details_max_bytes")
	h := Health{
		CheckTimeout:          d.duration(join(key, "check_timeout"), m["check_timeout"]),
		Interval:              d.duration(join(key, "interval"), m["interval"]),
		UnavailableStatusCode: d.integer(join(key, "unavailable_status_code"), m["unavailable_status_code"]),
		Details:               d.str(join(key, "details"), m["details"]),
		Token:                 d.str(join(key, "token"), m["token"]),
		WaitForReady:          d.duration(join(key, "wait_for_ready"), m["wait_for_ready"]),
		DetailsMaxDepth:       d.integer(join(key, "details_max_depth"), m["details_max_depth"]),
		DetailsMaxBytes:       d.integer(join(key, "details_max_bytes"), m["details_max_bytes"]),
	}
	h.Paths = d.paths(join(key, "paths"), m["paths"])
	h.LameDuck = d.lameDuck(join(key, "lameduck"), m["lameduck"])
	h.Service = d.service(join(key, "service"), m["service"])
	h.Wasm = d.wasm(join(key, "wasm"), m["wasm"])
	h.Status = d.status(join(key, "status"), m["status"])
	h.Notify = d.notify(join(key, "notify"), m["notify"])
	h.Metrics = d.metrics(join(key, "metrics"), m["metrics"])
	h.GRPC = d.grpc(join(key, "grpc"), m["grpc"])
	ck := join(key, "checks")
	for i, c := range d.list(ck, m["checks"]) {
		h.Checks = append(h.Checks, d.check(index(ck, i), c))
	}
	return h
}

func (d *decoder) paths(key string, v any) Paths {
	m := d.object(key, v, "health", "ready", "jobs", "status", "per_check", "aliases")
	return Paths{
		Health:   d.str(join(key, "health"), m["health"]),
		Ready:    d.str(join(key, "ready"), m["ready"]),
		Jobs:     d.str(join(key, "jobs"), m["jobs"]),
		Status:   d.str(join(key, "status"), m["status"]),
		Aliases:  d.boolean(join(key, "aliases"), m["aliases"], false),
		PerCheck: d.boolean(join(key, "per_check"), m["per_check"], false),
	}
}

func (d *decoder) lameDuck(key string, v any) LameDuck {
	m := d.object(key, v, "period", "drain_timeout", "signals", "connection_close")
	return LameDuck{
		Period:          d.duration(join(key, "period"), m["period"]),
		DrainTimeout:    d.duration(join(key, "drain_timeout"), m["drain_timeout"]),
		Signals:         d.strings(join(key, "signals"), m["signals"]),
		ConnectionClose: d.boolean(join(key, "connection_close"), m["connection_close"], false),
	}
}

func (d *decoder) service(key string, v any) Service {
	m := d.object(key, v, "id", "version", "release_id", "description")
	return Service{
		ID:          d.str(join(key, "id"), m["id"]),
		Version:     d.str(join(key, "version"), m["version"]),
		ReleaseID:   d.str(join(key, "release_id"), m["release_id"]),
		Description: d.str(join(key, "description"), m["description"]),
	}
}

func (d *decoder) wasm(key string, v any) Wasm {
	m := d.object(key, v, "cache_dir", "pool_size", "memory_pages", "max_output_bytes",
		"max_log_lines", "max_log_line_bytes", "max_response_bytes", "max_stdio_bytes",
		"max_concurrent_calls", "max_net_calls", "max_sockets",
		"max_table_elements", "max_module_bytes", "max_functions", "max_function_body_bytes",
		"max_function_locals", "max_globals", "max_element_segment_entries",
		"max_data_segment_bytes", "compile_timeout")
	n := func(k string) int { return d.integer(join(key, k), m[k]) }
	return Wasm{
		CacheDir:         d.str(join(key, "cache_dir"), m["cache_dir"]),
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
		CompileTimeout:           d.duration(join(key, "compile_timeout"), m["compile_timeout"]),
	}
}

func (d *decoder) check(key string, v any) Check {
	m := d.object(key, v, "name", "provider", "interval", "timeout", "fall", "rise",
		"groups", "critical", "start_up", "config")
	return Check{
		Name:     d.str(join(key, "name"), m["name"]),
		Provider: d.str(join(key, "provider"), m["provider"]),
		Interval: d.duration(join(key, "interval"), m["interval"]),
		Timeout:  d.duration(join(key, "timeout"), m["timeout"]),
		Fall:     d.integer(join(key, "fall"), m["fall"]),
		Rise:     d.integer(join(key, "rise"), m["rise"]),
		Groups:   d.strings(join(key, "groups"), m["groups"]),
		Critical: d.boolean(join(key, "critical"), m["critical"], true),
		StartUp:  d.boolean(join(key, "start_up"), m["start_up"], false),
		Config:   d.freeMap(join(key, "config"), m["config"]),
	}
}

func (d *decoder) status(key string, v any) Status {
	m := d.object(key, v, "title", "history", "refresh")
	return Status{
		Title:   d.str(join(key, "title"), m["title"]),
		History: d.integer(join(key, "history"), m["history"]),
		Refresh: d.duration(join(key, "refresh"), m["refresh"]),
	}
}

func (d *decoder) notify(key string, v any) notify.Config {
	m := d.object(key, v, "webhooks", "queue_size", "backoff", "max_backoff")
	c := notify.Config{
		QueueSize:  d.integer(join(key, "queue_size"), m["queue_size"]),
		Backoff:    d.duration(join(key, "backoff"), m["backoff"]),
		MaxBackoff: d.duration(join(key, "max_backoff"), m["max_backoff"]),
	}
	wk := join(key, "webhooks")
	for i, w := range d.list(wk, m["webhooks"]) {
		c.Webhooks = append(c.Webhooks, d.webhook(index(wk, i), w))
	}
	return c
}

func (d *decoder) webhook(key string, v any) notify.Webhook {
	m := d.object(key, v, "url", "format", "headers", "timeout", "max_retries")
	w := notify.Webhook{
		URL:        d.str(join(key, "url"), m["url"]),
		Format:     d.str(join(key, "format"), m["format"]),
		Timeout:    d.duration(join(key, "timeout"), m["timeout"]),
		MaxRetries: d.integer(join(key, "max_retries"), m["max_retries"]),
	}
	hk := join(key, "headers")
	headers := d.freeMap(hk, m["headers"])
	for _, name := range slices.Sorted(maps.Keys(headers)) {
		if w.Headers == nil {
			w.Headers = map[string]string{}
		}
		w.Headers[name] = d.str(join(hk, name), headers[name])
	}
	return w
}

func (d *decoder) metrics(key string, v any) Metrics {
	m := d.object(key, v, "enabled", "path")
	return Metrics{
		Enabled: d.boolean(join(key, "enabled"), m["enabled"], false),
		Path:    d.str(join(key, "path"), m["path"]),
	}
}

func (d *decoder) grpc(key string, v any) GRPC {
	m := d.object(key, v, "address", "max_connections", "max_concurrent_streams")
	return GRPC{
		Address:              d.str(join(key, "address"), m["address"]),
		MaxConnections:       d.integer(join(key, "max_connections"), m["max_connections"]),
		MaxConcurrentStreams: d.integer(join(key, "max_concurrent_streams"), m["max_concurrent_streams"]),
	}
}

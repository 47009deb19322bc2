// Package lifecycle runs Vitals beside an application, without fx: a
// Runtime starts the engine (built by package fxmodule/assemble), the
// webhook notifier, the Prometheus metrics and the gRPC health server that
// the configuration turns on, opens readiness, and on Stop takes the
// service through the lame-duck sequence (readiness fails, the server
// keeps serving for health.lameduck.period, then drains within
// health.lameduck.drain_timeout, then the engine stops).
//
// There are two server modes. With server.address set, the runtime runs
// the app's *http.Server itself (WithServer) under the lame-duck runner.
// Without it the app runs its own server: wrap its handler with
// ConnectionClose (health.lameduck.connection_close), serve
// Runtime.Metrics' handler if metrics are on, and call Stop before
// shutting the server down, so that it serves through the period. The
// runtime handles health.lameduck.signals in both modes; NotifyStop says
// how to ask the app to stop when one arrives first.
//
// Package fxmodule is the same runtime as one fx option.
package lifecycle

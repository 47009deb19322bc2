// Package core is the check engine of Vitals: it runs health checks of a
// service's dependencies on a schedule and keeps the answer to "is this
// instance healthy, and should it get traffic?" ready to read.
//
// The model: a Component is one thing to check (a database, an upstream
// URL, a function of the app), checked by the Provider its Provider field
// names (the built-in http, tcp, tls, dns and jobs providers, or a custom
// one). Each check yields a Check result; fall/rise hysteresis turns
// observed states into the published State of the component. An Engine
// holds the components, schedules their checks (interval, timeout, jitter,
// a concurrency bound) and publishes a Snapshot after every change.
//
// The main flows, each with a runnable example:
//
//   - build an engine with checks and read its snapshot (Example);
//   - write a custom provider (Example_customProvider);
//   - subscribe to state changes (ExampleEngine_Subscribe);
//   - wait until the readiness group passes (ExampleEngine_WaitForReady);
//   - enter lame duck before a shutdown, so readiness fails while the
//     server still serves (ExampleEngine_EnterLameDuck, and package
//     core/lameduck for the whole sequence).
//
// core imports the standard library only: the HTTP surface is package
// echomw, the wiring packages fxmodule/assemble and fxmodule.
package core

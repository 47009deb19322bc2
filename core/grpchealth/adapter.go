// Package grpchealth serves the engine's health as the standard gRPC health
// service, grpc.health.v1.Health (Check, Watch and List), through
// google.golang.org/grpc/health's Server, kept in step with the engine's
// snapshots.
//
// Service names, and when each is SERVING:
//
//	""                   Snapshot.Ready: what /ready answers (the name load balancers and grpc-health-probe use by default)
//	"readiness"          the same
//	"liveness"           Snapshot.Live: what /health answers; it stays SERVING in lame duck
//	"<group>"            any other group: the engine is serving, the group has no pending member and is Up or Degraded (or empty)
//	"component/<name>"   one component: the engine is serving and its published state is Up or Degraded
//
// Components are prefixed so that a component can never shadow a group of
// the same name. In lame duck every service but "liveness" turns
// NOT_SERVING, so clients drain away while a liveness probe does not
// restart the instance. A group or component that disappears turns
// SERVICE_UNKNOWN; a name never seen is NOT_FOUND. Stop turns everything
// NOT_SERVING for good.
package grpchealth

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitals-go/vitals/core"
)

// ComponentPrefix prefixes a component's name to form its service name.
const ComponentPrefix = "component/"

// ComponentService returns the service name of a component.
func ComponentService(name string) string { return ComponentPrefix + name }

// Adapter keeps a health.Server in step with an engine. Create it with New.
type Adapter struct {
	engine *core.Engine
	srv    *health.Server

	mu    sync.Mutex // guards known
	known map[string]healthpb.HealthCheckResponse_ServingStatus
	runs  sync.WaitGroup
	done  context.Context    // canceled by Shutdown
	quit  context.CancelFunc // cancels done
}

// New returns an adapter for e, already holding the statuses of e's
// current snapshot. They follow later snapshots while Run runs.
func New(e *core.Engine) *Adapter {
	a := &Adapter{
		engine: e,
		srv:    health.NewServer(),
		known:  map[string]healthpb.HealthCheckResponse_ServingStatus{},
	}
	a.done, a.quit = context.WithCancel(context.Background())
	a.sync(e.Snapshot())
	return a
}

// Register registers the health service on s (a *grpc.Server).
func (a *Adapter) Register(s grpc.ServiceRegistrar) { healthpb.RegisterHealthServer(s, a.srv) }

// Server returns the underlying health server. An app may set statuses of
// its own service names on it; the adapter only touches the names above.
func (a *Adapter) Server() *health.Server { return a.srv }

// Run follows the engine's snapshots until ctx ends or Shutdown is
// called.
func (a *Adapter) Run(ctx context.Context) {
	a.runs.Add(1)
	defer a.runs.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(a.done, cancel)()
	a.engine.Watch(ctx, a.sync)
}

// Shutdown ends Run, waits for it and turns every service NOT_SERVING for
// good, as health.Server.Shutdown does. It is safe to call more than once.
func (a *Adapter) Shutdown() {
	a.quit()
	a.runs.Wait()
	a.srv.Shutdown()
}

// sync sets the status of every service name from s, and SERVICE_UNKNOWN
// on names s no longer has.
func (a *Adapter) sync(s *core.Snapshot) {
	want := Statuses(s)
	a.mu.Lock()
	defer a.mu.Unlock()
	for name := range a.known {
		if _, ok := want[name]; !ok {
			want[name] = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
		}
	}
	for name, st := range want {
		if old, ok := a.known[name]; ok && old == st {
			continue
		}
		a.known[name] = st
		a.srv.SetServingStatus(name, st)
	}
}

// Statuses returns the status of every service name for snapshot s, as the
// package documentation describes.
func Statuses(s *core.Snapshot) map[string]healthpb.HealthCheckResponse_ServingStatus {
	serving := s.Phase == core.PhaseServing
	out := make(map[string]healthpb.HealthCheckResponse_ServingStatus, 1+len(s.Groups)+len(s.Components))
	out[""] = status(s.Ready())
	for g, gs := range s.Groups {
		switch g {
		case core.GroupReadiness:
			out[g] = status(s.Ready())
		case core.GroupLiveness:
			out[g] = status(s.Live())
		default:
			ok := len(gs.Pending) == 0 && (len(gs.Components) == 0 || gs.State.Healthy())
			out[g] = status(serving && ok)
		}
	}
	for _, cs := range s.Components {
		out[ComponentService(cs.Component.Name)] = status(serving && cs.Result.State.Healthy())
	}
	return out
}

func status(ok bool) healthpb.HealthCheckResponse_ServingStatus {
	if ok {
		return healthpb.HealthCheckResponse_SERVING
	}
	return healthpb.HealthCheckResponse_NOT_SERVING
}

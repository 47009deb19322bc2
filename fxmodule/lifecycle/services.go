package lifecycle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	"github.com/vitals-go/vitals/core/grpchealth"
	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/core/notify"
	"github.com/vitals-go/vitals/core/promhealth"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// initMetrics registers the engine's metrics when health.metrics.enabled:
// on the app's registry, or on a new one that also carries the Go and
// process collectors. Never on prometheus.DefaultRegisterer.
func (r *Runtime) initMetrics(reg *prometheus.Registry) error {
	if !r.cfg.Health.Metrics.Enabled {
		r.registry = nil
		return nil
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m, err := promhealth.New(r.engine, reg)
	if err != nil {
		return fmt.Errorf("health.metrics: %w", err)
	}
	r.registry, r.metrics = reg, m
	return nil
}

// Registry returns the registry the metrics are registered on: the app's,
// or the runtime's own; nil when health.metrics.enabled is false.
func (r *Runtime) Registry() *prometheus.Registry { return r.registry }

// Metrics returns the path health.metrics.path and the handler serving
// the metrics registry there; a nil handler when metrics are off or the
// path is "-". Mount it on the app's mux (fxmodule does, on its echo).
func (r *Runtime) Metrics() (string, http.Handler) {
	m := r.cfg.Health.Metrics
	if r.registry == nil || m.Path == config.Off || m.Path == "" {
		return "", nil
	}
	return m.Path, promhealth.Handler(r.registry)
}

// GRPCAddr returns the address the gRPC health server listens on, or nil
// when there is none (health.grpc.address empty) or it is not started.
func (r *Runtime) GRPCAddr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grpc == nil {
		return nil
	}
	return r.grpc.ln.Addr()
}

// services are what runs beside the engine for one Start: the webhook
// notifier, the metrics' result watcher and the gRPC health server.
type services struct {
	notifier *notify.Notifier // nil: no webhooks
	notified chan struct{}    // closed when the notifier's Run returned
	adapter  *grpchealth.Adapter
	cancel   context.CancelFunc // ends the watchers
	watchers sync.WaitGroup
	stopOnce sync.Once
}

// listenGRPC binds health.grpc.address, so that a bind error fails start.
func (r *Runtime) listenGRPC() error {
	addr := r.cfg.Health.GRPC.Address
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("health.grpc.address: %w", err)
	}
	g := r.cfg.Health.GRPC
	ln = newConnLimiter(ln, g.MaxConnections, 0)
	r.mu.Lock()
	r.grpc = &grpcServer{srv: grpc.NewServer(r.grpcOptions()...), ln: ln, done: make(chan struct{}), log: r.log}
	r.mu.Unlock()
	return nil
}

// Fixed limits of the gRPC health server (its requests and answers are a
// service name and a status).
const (
	grpcMaxMessage  = 64 << 10         // bytes of a request
	grpcIdle        = time.Minute      // an idle connection is closed; health clients reconnect cheaply
	grpcPingAfter   = time.Minute      // the server pings a silent connection...
	grpcPingTimeout = 20 * time.Second // ...and closes it without an answer by then
	grpcMinPing     = 10 * time.Second // clients pinging more often are disconnected
)

// grpcOptions are the gRPC health server's limits: a connection must
// finish its HTTP/2 handshake within server.read_header_timeout,
// health.grpc.max_concurrent_streams RPCs per connection, keepalive pings
// both ways (clients may ping without streams, every 10 s at most), idle
// connections closed after a minute. health.grpc.max_connections is the
// listener's (connLimiter).
func (r *Runtime) grpcOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ConnectionTimeout(r.cfg.Server.ReadHeaderTimeout),
		grpc.MaxConcurrentStreams(uint32(r.cfg.Health.GRPC.MaxConcurrentStreams)),
		grpc.MaxRecvMsgSize(grpcMaxMessage),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: grpcIdle, Time: grpcPingAfter, Timeout: grpcPingTimeout}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: grpcMinPing, PermitWithoutStream: true}),
	}
}

// startServices starts the notifier (subscribed before the engine starts,
// so that it sees the first state changes), the metrics watcher and the
// gRPC health server. The engine is not started yet.
func (r *Runtime) startServices() error {
	svc := &services{}
	ctx, cancel := context.WithCancel(context.Background())
	svc.cancel = cancel
	if len(r.cfg.Health.Notify.Webhooks) > 0 {
		nc := r.cfg.Health.Notify
		nc.ServiceID = r.cfg.Health.Service.ID
		n, err := notify.New(nc, r.log)
		if err != nil {
			cancel()
			return fmt.Errorf("health.notify: %w", err)
		}
		// Subscribed now, before the engine starts; Run returns when the
		// engine's stop closes the subscription (after delivering what it
		// holds) or at the notifier's Stop.
		sub := r.engine.Subscribe(cmp.Or(nc.QueueSize, notify.DefaultQueueSize))
		svc.notifier, svc.notified = n, make(chan struct{})
		go func() {
			defer close(svc.notified)
			defer sub.Close()
			_ = n.Run(context.Background(), sub)
		}()
		r.log.Info("vitals: notifying state changes", "webhooks", len(nc.Webhooks))
	}
	if r.metrics != nil {
		svc.watchers.Go(func() { r.metrics.Run(ctx) })
	}
	r.mu.Lock()
	g := r.grpc
	r.svc = svc
	r.mu.Unlock()
	if g != nil {
		svc.adapter = grpchealth.New(r.engine)
		svc.adapter.Register(g.srv)
		svc.watchers.Go(func() { svc.adapter.Run(ctx) })
		g.start()
		r.log.Info("vitals: gRPC health server listening", "address", g.ln.Addr().String())
	}
	return nil
}

// running returns the gRPC health server and the services of the current
// start; either is nil when there is none.
func (r *Runtime) running() (*grpcServer, *services) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.grpc, r.svc
}

// stopGRPC shuts the gRPC health server down (see grpcServer.Shutdown)
// within the drain timeout, if it is still running.
func (r *Runtime) stopGRPC(ctx context.Context) error {
	g, _ := r.running()
	if g == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Health.LameDuck.DrainTimeout)
	defer cancel()
	return g.Shutdown(ctx)
}

// stopServices runs after the engine stopped: the gRPC health service
// turns NOT_SERVING for good, the watchers end, and the notifier delivers
// what it has queued within the drain timeout (and ctx). Notifications it
// gives up on are logged, not returned: a dead webhook must not fail
// every stop.
func (r *Runtime) stopServices(ctx context.Context) error {
	_, svc := r.running()
	if svc == nil {
		return nil
	}
	svc.stopOnce.Do(func() {
		svc.cancel()
		svc.watchers.Wait()
		if svc.adapter != nil {
			svc.adapter.Shutdown()
		}
		if n := svc.notifier; n != nil {
			nctx, cancel := context.WithTimeout(ctx, r.cfg.Health.LameDuck.DrainTimeout)
			err := n.Stop(nctx)
			cancel()
			<-svc.notified
			if err != nil {
				r.log.Warn("vitals: notifier stopped before delivering everything", "error", err)
			}
			r.log.Info("vitals: notifier stopped", "sent", n.Sent(), "failed", n.Failed(), "dropped", n.Dropped())
		}
	})
	return nil
}

// afterServer is the end of every stop: the gRPC server (if the lame-duck
// runner did not already shut it down with the HTTP server), the engine,
// then the services.
func (r *Runtime) afterServer(ctx context.Context) error {
	gerr := r.stopGRPC(ctx)
	eerr := r.engine.Stop(ctx)
	serr := r.stopServices(ctx)
	return errors.Join(gerr, eerr, serr)
}

// grpcServer is the gRPC health server, bound at start.
type grpcServer struct {
	log     *slog.Logger
	srv     *grpc.Server
	ln      net.Listener
	started atomic.Bool   // serve was called
	done    chan struct{} // closed when serve returns
	once    sync.Once
}

// start serves in the background.
func (g *grpcServer) start() {
	g.started.Store(true)
	go func() {
		defer close(g.done)
		_ = g.srv.Serve(g.ln) // returns nil after Stop or GracefulStop
	}()
}

// watchGrace is how long Shutdown lets RPCs finish before it ends them:
// Check calls take microseconds, and Watch streams never end by themselves.
const watchGrace = time.Second

// Shutdown stops accepting and lets the RPCs in flight finish for up to a
// second (or until ctx ends), then ends the rest (Watch streams, which
// clients reopen elsewhere). It runs once; later calls return its result.
func (g *grpcServer) Shutdown(ctx context.Context) error {
	g.once.Do(func() {
		start := time.Now()
		stopped := make(chan struct{})
		go func() { g.srv.GracefulStop(); close(stopped) }()
		t := time.NewTimer(watchGrace)
		defer t.Stop()
		how := "gracefully"
		select {
		case <-stopped:
		case <-t.C:
			how = "streams ended after " + watchGrace.String()
			g.srv.Stop()
		case <-ctx.Done():
			how = "stopped hard: " + context.Cause(ctx).Error()
			g.srv.Stop()
		}
		<-stopped
		g.wait()
		g.log.Info("vitals: gRPC health server stopped", "how", how, "took", time.Since(start))
	})
	return nil
}

// Close ends the server at once.
func (g *grpcServer) Close() error {
	g.srv.Stop()
	g.wait()
	return nil
}

// wait waits for serve to return, or closes the listener serve never got.
func (g *grpcServer) wait() {
	if g.started.Load() {
		<-g.done
	} else {
		_ = g.ln.Close()
	}
}

// servers is the lame-duck runner's server when the runtime runs both the
// app's HTTP server and the gRPC health server: both shut down together
// after the period. Embedding the HTTP adapter keeps its Ready channel and
// its Connection: close during the lame duck.
type servers struct {
	*lameduck.HTTPAdapter
	grpc *grpcServer
}

// Shutdown shuts both servers down concurrently within ctx.
func (s servers) Shutdown(ctx context.Context) error {
	var gerr error
	var wg sync.WaitGroup
	wg.Go(func() { gerr = s.grpc.Shutdown(ctx) })
	herr := s.HTTPAdapter.Shutdown(ctx)
	wg.Wait()
	return errors.Join(herr, gerr)
}

// Close closes both servers at once.
func (s servers) Close() error {
	return errors.Join(s.HTTPAdapter.Close(), s.grpc.Close())
}

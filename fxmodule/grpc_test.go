package fxmodule_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testnet"
)

// health.grpc.address: grpc.health.v1 follows readiness (NOT_SERVING
// until the app has started, SERVING then, NOT_SERVING from the start of
// the lame duck while the server still answers), liveness stays SERVING
// in the lame duck, and the server is gone after stop.
func TestGRPCHealth(t *testing.T) {
	var tg toggle
	rt, app := startApp(t, `
server: {address: "127.0.0.1:0"}
health:
  lameduck: {period: 600ms, drain_timeout: 2s, signals: []}
  grpc: {address: "127.0.0.1:0"}
`, tg.provide("db"))
	addr := rt.GRPCAddr()
	if addr == nil {
		t.Fatal("no gRPC address after start")
	}
	c := healthClient(t, addr.String())
	serving := healthpb.HealthCheckResponse_SERVING
	coretest.Eventually(t, 3*time.Second, `"" SERVING`, func() bool { s, _ := grpcStatus(c, ""); return s == serving })
	if s, err := grpcStatus(c, "component/db"); err != nil || s != serving {
		t.Errorf("component/db = %v, %v", s, err)
	}
	// A Watch stream must not hold the stop up past its grace.
	wctx, wcancel := context.WithCancel(context.Background())
	defer wcancel()
	stream, err := c.Watch(wctx, &healthpb.HealthCheckRequest{Service: "readiness"})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := stream.Recv(); err != nil || m.Status != serving {
		t.Fatalf("Watch first = %v, %v", m, err)
	}

	stopped := make(chan error, 1)
	begin := time.Now()
	go func() { stopped <- app.Stop(ctxTimeout(t, 10*time.Second)) }()
	coretest.Eventually(t, time.Second, `"" NOT_SERVING in the lame duck`, func() bool {
		s, err := grpcStatus(c, "")
		return err == nil && s == healthpb.HealthCheckResponse_NOT_SERVING
	})
	if m, err := stream.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("Watch after lame duck = %v, %v", m, err)
	}
	if s, err := grpcStatus(c, "liveness"); err != nil || s != serving {
		t.Errorf("liveness in the lame duck = %v, %v; want SERVING", s, err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Stop = %v", err)
	}
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("stop took %s: the Watch stream held it up", took)
	}
	if dialable(addr.String()) {
		t.Error("gRPC server still listening after stop")
	}
}

// gRPC without a server of the module's (the app runs its own): the health
// server still runs and stops after the period.
func TestGRPCWithoutServer(t *testing.T) {
	var rt *lifecycle.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Populate(&rt), supplyConfig(t, `
health:
  lameduck: {period: 0s, signals: []}
  grpc: {address: "127.0.0.1:0"}
`)).RequireStart()
	addr := rt.GRPCAddr().String()
	c := healthClient(t, addr)
	if s, err := grpcStatus(c, ""); err != nil || s != healthpb.HealthCheckResponse_SERVING {
		t.Errorf(`"" = %v, %v (an empty engine is ready)`, s, err)
	}
	app.RequireStop()
	if dialable(addr) {
		t.Error("gRPC server still listening after stop")
	}
}

// A gRPC bind error fails start, naming health.grpc.address, and leaves
// nothing running.
func TestGRPCBindError(t *testing.T) {
	var rt *lifecycle.Runtime
	app := fx.New(fx.NopLogger, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt), supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health:
  lameduck: {signals: []}
  grpc: {address: "`+testnet.AcceptAndClose(t)+`"}
`))
	err := app.Start(ctxTimeout(t, 5*time.Second))
	if err == nil || !strings.Contains(err.Error(), "health.grpc.address:") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Start = %v, want a bind error naming health.grpc.address", err)
	}
	if got := rt.Engine().Phase(); got != core.PhaseIdle {
		t.Errorf("engine phase = %s, want idle", got)
	}
}

package grpchealth_test

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/grpchealth"
)

// fixture is a started engine with components in several groups, served
// by a real gRPC server on loopback, and a real health client.
type fixture struct {
	engine  *core.Engine
	adapter *grpchealth.Adapter
	addr    string
	client  healthpb.HealthClient
	results *coretest.Provider
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e, results := coretest.NewEngine(t) // stopped after the cleanup below
	f := &fixture{engine: e, results: results}
	for _, c := range []core.Component{
		coretest.Manual("db"),
		coretest.Manual("cache", "readiness", "extras"),
		coretest.Manual("heart", "liveness"),
	} {
		c.Fall, c.Rise = 1, 1
		if err := e.Add(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	f.adapter = grpchealth.New(e)

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	f.adapter.Register(srv)
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(lis) }()
	f.addr = lis.Addr().String()
	conn, err := grpc.NewClient(f.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	f.client = healthpb.NewHealthClient(conn)
	ran := make(chan struct{})
	go func() { defer close(ran); f.adapter.Run(context.Background()) }()
	t.Cleanup(func() { // last registered, first run
		f.adapter.Shutdown() // ends Run
		<-ran
		_ = conn.Close()
		srv.Stop()
		<-served
	})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.ForceCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.want(t, "", healthpb.HealthCheckResponse_SERVING) // the adapter caught up
	return f
}

func (f *fixture) check(t *testing.T, service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := f.client.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	return resp.GetStatus(), err
}

// want polls Check until service has status st (the adapter follows the
// engine asynchronously).
func (f *fixture) want(t *testing.T, service string, st healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	var got healthpb.HealthCheckResponse_ServingStatus
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got, err = f.check(t, service); err == nil && got == st {
			return
		}
	}
	t.Fatalf("Check(%q) = %v, %v; want %v", service, got, err, st)
}

func (f *fixture) set(t *testing.T, component string, failing bool) {
	t.Helper()
	st := core.StateUp
	if failing {
		st = core.StateDown
	}
	f.results.SetState(component, st)
	if _, err := f.engine.Check(context.Background(), component); err != nil {
		t.Fatal(err)
	}
}

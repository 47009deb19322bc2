package grpchealth_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/vitals-go/vitals/core/grpchealth"
)

const (
	serving    = healthpb.HealthCheckResponse_SERVING
	notServing = healthpb.HealthCheckResponse_NOT_SERVING
	unknown    = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
)

func TestCheckEachKindOfService(t *testing.T) {
	f := newFixture(t)
	for _, svc := range []string{"", "readiness", "liveness", "extras", "component/db", "component/heart"} {
		f.want(t, svc, serving)
	}
	if _, err := f.check(t, "nope"); status.Code(err) != codes.NotFound {
		t.Fatalf("unknown service: %v, want NotFound", err)
	}
	if _, err := f.check(t, "db"); status.Code(err) != codes.NotFound {
		t.Fatalf("bare component name: %v, want NotFound (components are component/<name>)", err)
	}

	f.set(t, "cache", true)
	f.want(t, "component/cache", notServing)
	f.want(t, "extras", notServing)
	f.want(t, "", notServing)
	f.want(t, "readiness", notServing)
	f.want(t, "liveness", serving)
	f.want(t, "component/db", serving)

	f.set(t, "heart", true)
	f.want(t, "liveness", notServing)

	if err := f.engine.Remove(context.Background(), "cache"); err != nil {
		t.Fatal(err)
	}
	f.want(t, "component/cache", unknown)
	f.want(t, "extras", unknown) // the group went with its only member
	f.want(t, "", serving)
}

func TestWatchStreamsChanges(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream, err := f.client.Watch(ctx, &healthpb.HealthCheckRequest{Service: grpchealth.ComponentService("db")})
	if err != nil {
		t.Fatal(err)
	}
	first, err := stream.Recv()
	if err != nil || first.GetStatus() != serving {
		t.Fatalf("first Watch message %v, %v; want SERVING", first.GetStatus(), err)
	}
	f.set(t, "db", true)
	next, err := stream.Recv()
	if err != nil || next.GetStatus() != notServing {
		t.Fatalf("Watch after db went down: %v, %v; want NOT_SERVING", next.GetStatus(), err)
	}
	f.set(t, "db", false)
	if next, err = stream.Recv(); err != nil || next.GetStatus() != serving {
		t.Fatalf("Watch after db came back: %v, %v; want SERVING", next.GetStatus(), err)
	}
}

func TestLameDuckAndStop(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream, err := f.client.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := stream.Recv(); err != nil || m.GetStatus() != serving {
		t.Fatalf("first Watch message %v, %v", m.GetStatus(), err)
	}
	f.engine.EnterLameDuck() // a phase change: no event, only a snapshot
	if m, err := stream.Recv(); err != nil || m.GetStatus() != notServing {
		t.Fatalf("Watch at lame duck: %v, %v; want NOT_SERVING", m.GetStatus(), err)
	}
	for _, svc := range []string{"", "readiness", "extras", "component/db"} {
		f.want(t, svc, notServing)
	}
	f.want(t, "liveness", serving) // draining, not dead

	f.adapter.Shutdown()
	for _, svc := range []string{"", "liveness", "component/heart"} {
		f.want(t, svc, notServing)
	}
}

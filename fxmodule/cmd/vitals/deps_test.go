package main

import (
	"testing"

	"github.com/vitals-go/vitals/internal/testtool"
)

// The CLI (Docker HEALTHCHECK, probe run, config validate) links none of
// the service-side dependencies: it builds Vitals from its configuration
// with fxmodule/assemble, which imports neither fx, gRPC, Prometheus nor
// echo. .ci/sizes.sh holds its stripped size to 12 MB.
func TestLinksNoServiceDependencies(t *testing.T) {
	testtool.LinksNone(t, "the vitals CLI",
		"go.uber.org/fx",
		"go.uber.org/dig",
		"google.golang.org/grpc",
		"github.com/prometheus/client_golang",
		"github.com/labstack/echo/v4",
	)
}

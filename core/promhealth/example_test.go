package promhealth_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/promhealth"
)

// Metrics on the app's own registry, served by Handler.
func Example() {
	e, _ := core.New()
	defer e.Stop(context.Background())
	_ = e.AddFunc(context.Background(), core.Component{Name: "db"}, func(context.Context) error { return nil })
	_, _ = e.Check(context.Background(), "db")

	reg := prometheus.NewRegistry()
	m, err := promhealth.New(e, reg)
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go m.Run(ctx) // counts results until ctx ends

	srv := httptest.NewServer(promhealth.Handler(reg))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, "vitals_component_state{") || strings.HasPrefix(line, "vitals_lameduck ") {
			fmt.Print(line)
		}
	}
	// Output:
	// vitals_component_state{component="db",provider="func:db",state="degraded"} 0
	// vitals_component_state{component="db",provider="func:db",state="down"} 0
	// vitals_component_state{component="db",provider="func:db",state="unknown"} 0
	// vitals_component_state{component="db",provider="func:db",state="up"} 1
	// vitals_lameduck 0
}

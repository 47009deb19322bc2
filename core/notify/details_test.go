package notify_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/notify"
)

// nestedProvider reports Down with details of arrays nested 9,990 deep,
// what a probe printing ~20 KB of brackets decodes to.
type nestedProvider struct{}

func (nestedProvider) Name() string { return "nested" }

func (nestedProvider) Check(context.Context, core.Component) core.Result {
	return core.Result{State: core.StateDown, Message: "probe failed", Details: coretest.DeepArrays(9990)}
}

// TestNestedDetailsWebhookBounded: a state change whose check carries
// hostile details makes a payload of a few hundred bytes in both formats
// (payloads carry the message, never the details).
func TestNestedDetailsWebhookBounded(t *testing.T) {
	rc := newReceiver(t, status(http.StatusOK))
	e, err := core.New(core.WithJitter(0), core.WithProviders(nestedProvider{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	if err := e.Add(context.Background(), core.Component{Name: "probe", Provider: "nested", Interval: time.Hour, Fall: 1}); err != nil {
		t.Fatal(err)
	}
	n := newNotifier(t, notify.Config{ServiceID: "svc", Webhooks: []notify.Webhook{{URL: rc.URL}, {URL: rc.URL, Format: notify.FormatSlack}}})
	follow(t, n, e)
	if _, err := e.Check(context.Background(), "probe"); err != nil { // unknown -> down
		t.Fatal(err)
	}
	rc.await(t, 2, 5*time.Second)
	for _, r := range rc.requests() {
		if len(r.body) > 512 {
			t.Errorf("payload of %d bytes: %.300s", len(r.body), r.body)
		}
	}
}

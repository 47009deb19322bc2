package notify_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/notify"
)

// The payloads a webhook receives for one state change: the JSON form and
// the text of the Slack form.
func ExampleNewPayload() {
	ev := core.Event{Component: "db", From: core.StateUp, To: core.StateDown,
		Check: core.Result{Message: "connection refused", Time: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	p := notify.NewPayload("orders", ev)
	b, _ := json.Marshal(p)
	fmt.Println(string(b))
	fmt.Println(p.Text())
	// Output:
	// {"service":"orders","component":"db","from":"up","to":"down","time":"2026-03-01T12:00:00Z","message":"connection refused"}
	// [orders] component db is down (was up): connection refused
}

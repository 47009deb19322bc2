package core_test

import (
	"encoding/json"
	"testing"

	"github.com/vitals-go/vitals/core"
)

func TestStateStringAndJSON(t *testing.T) {
	for _, st := range []core.State{core.StateUnknown, core.StateUp, core.StateDegraded, core.StateDown} {
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != `"`+st.String()+`"` {
			t.Errorf("json of %v = %s", st, b)
		}
		var back core.State
		if err := json.Unmarshal(b, &back); err != nil || back != st {
			t.Errorf("round trip of %v: %v, %v", st, back, err)
		}
	}
	var s core.State
	if err := json.Unmarshal([]byte(`"sideways"`), &s); err == nil {
		t.Error("unmarshal of an unknown state succeeded")
	}
	if _, err := json.Marshal(core.State(42)); err == nil {
		t.Error("marshal of an invalid state succeeded")
	}
}

func TestWorst(t *testing.T) {
	tests := []struct {
		in   []core.State
		want core.State
	}{
		{nil, U},
		{[]core.State{U}, U},
		{[]core.State{Up, U}, Up},
		{[]core.State{U, Down, Up}, Down},
		{[]core.State{Up, Deg}, Deg},
		{[]core.State{Deg, U}, Deg},
		{[]core.State{Down, Deg, Up}, Down},
	}
	for _, tt := range tests {
		if got := core.Worst(tt.in...); got != tt.want {
			t.Errorf("Worst(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

package coretest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core/coretest"
)

// TestDeepDetails: n containers in all, as their JSON shows.
func TestDeepDetails(t *testing.T) {
	for _, c := range []struct {
		details map[string]any
		want    string
	}{
		{coretest.DeepArrays(1), `{"a":[]}`},
		{coretest.DeepArrays(3), `{"a":[[[]]]}`},
		{coretest.DeepObjects(1), `{}`},
		{coretest.DeepObjects(3), `{"a":{"a":{}}}`},
	} {
		if b, _ := json.Marshal(c.details); string(b) != c.want {
			t.Errorf("got %s, want %s", b, c.want)
		}
	}
	b, _ := json.Marshal(coretest.DeepArrays(500))
	if n := strings.Count(string(b), "["); n != 500 {
		t.Errorf("DeepArrays(500) has %d arrays", n)
	}
	b, _ = json.Marshal(coretest.DeepObjects(500))
	if n := strings.Count(string(b), "{"); n != 500 {
		t.Errorf("DeepObjects(500) has %d objects", n)
	}
}

package coretest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core/coretest"
)

// TestDeepDetails: n containers in all, as their JSON shows.
func TestDeepDetails(t *testing.T) {
	jsonOf := func(details map[string]any) string {
		b, err := json.Marshal(details)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := jsonOf(coretest.DeepArrays(1)) + jsonOf(coretest.DeepArrays(3)); got != `{"a":[]}{"a":[[[]]]}` {
		t.Errorf("DeepArrays(1), DeepArrays(3): %s", got)
	}
	if got := jsonOf(coretest.DeepObjects(1)) + jsonOf(coretest.DeepObjects(3)); got != `{}{"a":{"a":{}}}` {
		t.Errorf("DeepObjects(1), DeepObjects(3): %s", got)
	}
	if n := strings.Count(jsonOf(coretest.DeepArrays(500)), "["); n != 500 {
		t.Errorf("DeepArrays(500) has %d arrays", n)
	}
	if n := strings.Count(jsonOf(coretest.DeepObjects(500)), "{"); n != 500 {
		t.Errorf("DeepObjects(500) has %d objects", n)
	}
}

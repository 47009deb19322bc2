package echomw

import "testing"

func TestWantsText(t *testing.T) {
	cases := map[string]bool{
		"":                                    false,
		"*/*":                                 false,
		"text/plain":                          true,
		"TEXT/PLAIN; charset=utf-8":           true,
		"text/*":                              true,
		"application/json":                    false,
		"application/health+json":             false,
		"text/plain, application/json":        false, // tie: JSON
		"text/plain, application/json;q=0.9":  true,
		"text/plain;q=0.5, */*;q=0.9":         false, // JSON gets */*'s 0.9
		"text/plain;q=0.9, */*;q=0.5":         true,
		"text/plain;q=0, */*":                 false, // text refused
		"text/html,application/xhtml+xml,*/*": false,
		"text/html, text/*;q=0.8, application/*;q=0.5":     true,
		"application/*, text/plain;q=0.4":                  false,
		"text/plain;q=bad":                                 true,
		"text/plain;level=1;q=0.8, application/json;q=0.7": true,
	}
	for accept, want := range cases {
		var hdr []string
		if accept != "" {
			hdr = []string{accept}
		}
		if got := wantsText(hdr); got != want {
			t.Errorf("wantsText(%q) = %v, want %v", accept, got, want)
		}
	}
	if !wantsText([]string{"application/json;q=0.1", "text/plain"}) {
		t.Error("several Accept headers: text/plain should win")
	}
}

func TestWantsTextDoesNotAllocate(t *testing.T) {
	hdr := []string{"text/html, text/*;q=0.8, application/*;q=0.5"}
	if n := testing.AllocsPerRun(100, func() { wantsText(hdr) }); n != 0 {
		t.Errorf("wantsText allocates %v times", n)
	}
}

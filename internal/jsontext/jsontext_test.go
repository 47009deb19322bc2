package jsontext_test

import (
	"testing"

	"github.com/vitals-go/vitals/internal/jsontext"
)

// TestStrings: the bytes outside string literals, escaped quotes and
// backslashes kept inside.
func TestStrings(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":[1,"]"],"b":"x\"}"}`: `{:[1,],:}`,
		`["\\",{}]`:                `[,{}]`,
		`"\\\"["`:                  ``,
		` [ true , null ] `:        ` [ true , null ] `,
		``:                         ``,
	} {
		var s jsontext.Strings
		var got []byte
		for i := range len(in) {
			if !s.Step(in[i]) {
				got = append(got, in[i])
			}
		}
		if string(got) != want {
			t.Errorf("outside the strings of %s: %q, want %q", in, got, want)
		}
	}
}

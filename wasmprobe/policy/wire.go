package policy

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/vitals-go/vitals/wasmprobe/wire"
)

// FitResponse encodes out (no HTML escaping), cutting its body at a UTF-8
// boundary until the encoding fits in capacity bytes and marking it
// truncated. It returns CodeTooLarge when even an empty body does not fit.
// Each body byte encodes to at least one byte, so cutting the excess is
// enough, or close to it.
func FitResponse(out *wire.HTTPResponse, capacity int) ([]byte, int) {
	var buf bytes.Buffer
	for {
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return nil, CodeFailed
		}
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if len(b) <= capacity {
			return b, 0
		}
		if out.Body == "" {
			return nil, CodeTooLarge
		}
		cut := max(len(out.Body)-(len(b)-capacity), 0)
		for cut > 0 && !utf8.RuneStart(out.Body[cut]) {
			cut--
		}
		out.Body, out.Truncated = out.Body[:cut], true
	}
}

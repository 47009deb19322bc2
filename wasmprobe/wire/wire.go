// Package wire holds the JSON messages of vitals.http_request (ABI.md
// section 4), one definition for the host (wasmprobe), its stand-in in
// tests (guest-sdk/go/probetest) and the Go guest SDK (guest-sdk/go/probe).
// It imports nothing, so that a guest pays nothing for it.
package wire

// HTTPRequest is the request JSON a guest passes to http_request. An empty
// Method is GET; the empty fields are left out of the encoding.
type HTTPRequest struct {
	Method  string            `json:"method,omitempty"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// HTTPResponse is the response JSON of http_request. The field order is
// part of the ABI: the output starts with {"status":.
type HTTPResponse struct {
	Status    int               `json:"status"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Truncated bool              `json:"truncated"`
}

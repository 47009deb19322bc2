// Package guest is the seam between package probe and its native stand-in,
// package probetest: the host functions of the Vitals probe ABI v1 as an
// interface, and the SDK's check entry point. In a wasip1 build the host is
// the real one (module imports); in a native test it is probetest's.
package guest

// Host is the module "vitals" of ABI v1, at the byte level: the arguments
// are what a guest passes to the host functions, the results what they
// return (see wasmprobe/ABI.md, section 4).
type Host interface {
	// Log is vitals.log(level, ptr, len).
	Log(level int32, msg []byte)
	// HTTPRequest is vitals.http_request: req is the request JSON, resp the
	// area the response JSON is written to. It returns the response length
	// or a negative error code.
	HTTPRequest(req, resp []byte) int64
	// TCPConnect is vitals.tcp_connect: addr is "host:port". It returns 0
	// or a negative error code.
	TCPConnect(addr []byte, timeoutMs int32) int32
}

// Check runs a probe function (a probe.Func) for one check: input is the
// ABI input JSON, out the I/O buffer (it may share memory with input). It
// returns the status and the output length written to out, as the guest's
// vitals_check returns them. Package probe sets it when it is initialised.
var Check func(fn any, h Host, input, out []byte) (status uint32, n int)

//go:build wasip1

package probe

import (
	"runtime"
	"unsafe"
)

// This file is the guest side of ABI v1 in a GOOS=wasip1 build: the exports
// the host calls and the imports of module "vitals". The Go linker keeps
// only the imports a probe's code can reach.

// ioBuffer is the I/O buffer of vitals_buffer: the host writes the input
// here and reads the output from here. 64 KiB bounds both.
var ioBuffer [64 << 10]byte

//go:wasmexport vitals_abi_v1
func vitalsABIv1() {}

//go:wasmexport vitals_buffer
func vitalsBuffer() uint32 { return uint32(uintptr(unsafe.Pointer(&ioBuffer[0]))) }

//go:wasmexport vitals_buffer_size
func vitalsBufferSize() uint32 { return uint32(len(ioBuffer)) }

//go:wasmexport vitals_check
func vitalsCheck(n uint32) uint64 {
	fn := registered
	if fn == nil {
		panic("vitals probe: no probe function: call probe.Register from an init function (a -buildmode=c-shared module never runs main)")
	}
	if int(n) > len(ioBuffer) {
		panic("vitals probe: input length exceeds the buffer")
	}
	status, k := handle(fn, wasmHost{}, ioBuffer[:n], ioBuffer[:])
	return uint64(status)<<32 | uint64(uint32(k))
}

//go:wasmimport vitals log
func hostLog(level int32, ptr, n uint32)

//go:wasmimport vitals http_request
func hostHTTPRequest(reqPtr, reqLen, respPtr, respCap uint32) int64

//go:wasmimport vitals tcp_connect
func hostTCPConnect(ptr, n uint32, timeoutMs int32) int32

// addr returns the linear-memory address of b's first byte (0 when empty).
// Go's heap does not move, so the address stays valid while b is alive.
func addr(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

// wasmHost calls the host functions.
type wasmHost struct{}

func (wasmHost) Log(level int32, msg []byte) {
	hostLog(level, addr(msg), uint32(len(msg)))
	runtime.KeepAlive(msg)
}

func (wasmHost) HTTPRequest(req, resp []byte) int64 {
	n := hostHTTPRequest(addr(req), uint32(len(req)), addr(resp), uint32(len(resp)))
	runtime.KeepAlive(req)
	runtime.KeepAlive(resp)
	return n
}

func (wasmHost) TCPConnect(a []byte, timeoutMs int32) int32 {
	code := hostTCPConnect(addr(a), uint32(len(a)), timeoutMs)
	runtime.KeepAlive(a)
	return code
}

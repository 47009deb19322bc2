package wasmprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/vitals-go/vitals/wasmprobe/policy"
	"github.com/vitals-go/vitals/wasmprobe/wire"
)

// hostLog is vitals.log(level, ptr, len).
func (rt *runtimeEntry) hostLog(ctx context.Context, mod api.Module, stack []uint64) {
	inst := rt.instance(ctx, mod)
	if inst == nil {
		return
	}
	level, ptr, n := int32(uint32(stack[0])), uint32(stack[1]), uint32(stack[2])
	b, ok := mod.Memory().Read(ptr, n)
	if !ok {
		inst.trap(abiErrorf("log: bytes [%d, %d) are outside memory (%d bytes)", ptr, uint64(ptr)+uint64(n), mod.Memory().Size()))
	}
	pr := inst.pr
	if inst.logLines >= pr.cfg.maxLogLines {
		inst.logDropped++
		return
	}
	inst.logLines++
	pr.logger.Log(ctx, slogLevel(level), truncateLine(b, pr.cfg.maxLogLineBytes))
}

func slogLevel(l int32) slog.Level {
	switch {
	case l <= 0:
		return slog.LevelDebug
	case l == 1:
		return slog.LevelInfo
	case l == 2:
		return slog.LevelWarn
	}
	return slog.LevelError
}

// truncateLine cuts b to at most max bytes on a UTF-8 boundary, with a marker.
func truncateLine(b []byte, max int) string {
	if len(b) <= max {
		return string(b)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + fmt.Sprintf("… [truncated %d bytes]", len(b)-cut)
}

// hostHTTPRequest is vitals.http_request(req_ptr, req_len, resp_ptr, resp_cap) -> i64.
func (rt *runtimeEntry) hostHTTPRequest(ctx context.Context, mod api.Module, stack []uint64) {
	inst := rt.instance(ctx, mod)
	code := int64(CodeDenied)
	if inst != nil {
		code = inst.httpRequest(ctx, mod.Memory(), uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3]))
	}
	stack[0] = api.EncodeI64(code)
}

// startCall takes a network call from the check's budget and reads the
// guest's request at ptr: it returns the request, or the code to return.
func (inst *instance) startCall(ctx context.Context, mem api.Memory, ptr, n uint32) ([]byte, int32) {
	if err := inst.net.takeCall(); err != nil {
		inst.spent(ctx, err)
		return nil, CodeBudget
	}
	raw, ok := mem.Read(ptr, n)
	if !ok {
		return nil, CodeBadRequest
	}
	return raw, 0
}

// callFailed logs the failure of a network call (http_request or
// tcp_connect, to target) and returns its code, marking the check's
// budget spent when that is what failed.
func (inst *instance) callFailed(ctx context.Context, call string, target slog.Attr, err error) int32 {
	inst.pr.logger.LogAttrs(ctx, slog.LevelDebug, "wasm probe "+call+" failed", target, slog.String("error", err.Error()))
	code := netCode(ctx, err)
	if code == CodeBudget {
		inst.spent(ctx, err)
	}
	return code
}

func (inst *instance) httpRequest(ctx context.Context, mem api.Memory, reqPtr, reqLen, respPtr, respCap uint32) int64 {
	pr := inst.pr
	raw, code := inst.startCall(ctx, mem, reqPtr, reqLen)
	if code != 0 {
		return int64(code)
	}
	if _, ok := mem.Read(respPtr, respCap); !ok {
		return CodeBadRequest
	}
	var in wire.HTTPRequest
	if len(bytes.TrimSpace(raw)) == 0 || bytes.TrimSpace(raw)[0] != '{' || json.Unmarshal(raw, &in) != nil {
		return CodeBadRequest
	}
	if in.Method == "" {
		in.Method = http.MethodGet
	}
	u, verdict := pr.cfg.allow.CheckRequest(in.URL, in.Headers)
	if verdict == 0 && pr.http == nil {
		verdict = CodeDenied
	}
	if verdict != 0 {
		if verdict == CodeDenied {
			pr.logger.LogAttrs(ctx, slog.LevelDebug, "wasm probe http_request denied", slog.String("url", u.Redacted()))
		}
		return int64(verdict)
	}
	var body io.Reader
	if in.Body != "" {
		body = strings.NewReader(in.Body)
	}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, budgetKey{}, &inst.net), in.Method, u.String(), body)
	if err != nil {
		return CodeBadRequest
	}
	for k, v := range in.Headers {
		if strings.EqualFold(k, "Host") {
			// Granted by CheckRequest, with the URL's path: the server
			// routes by it.
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := pr.http.Do(req)
	if err != nil {
		return int64(inst.callFailed(ctx, "http_request", slog.String("url", u.Redacted()), err))
	}
	defer resp.Body.Close()
	limit := int64(pr.cfg.maxResponseBytes)
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return int64(netCode(ctx, err))
	}
	out := wire.HTTPResponse{Status: resp.StatusCode, Headers: make(map[string]string, len(resp.Header))}
	for k, vs := range resp.Header {
		out.Headers[k] = strings.Join(vs, ", ")
	}
	if int64(len(b)) > limit {
		b, out.Truncated = b[:limit], true
	}
	out.Body = string(b)
	enc, fit := policy.FitResponse(&out, int(respCap))
	if fit != 0 {
		return int64(fit)
	}
	mem.Write(respPtr, enc)
	return int64(len(enc))
}

// hostTCPConnect is vitals.tcp_connect(addr_ptr, addr_len, timeout_ms) -> i32.
func (rt *runtimeEntry) hostTCPConnect(ctx context.Context, mod api.Module, stack []uint64) {
	inst := rt.instance(ctx, mod)
	code := int32(CodeDenied)
	if inst != nil {
		code = inst.tcpConnect(ctx, mod.Memory(), uint32(stack[0]), uint32(stack[1]), int32(uint32(stack[2])))
	}
	stack[0] = api.EncodeI32(code)
}

func (inst *instance) tcpConnect(ctx context.Context, mem api.Memory, ptr, n uint32, timeoutMs int32) int32 {
	pr := inst.pr
	raw, code := inst.startCall(ctx, mem, ptr, n)
	if code != 0 {
		return code
	}
	addr := string(raw)
	if code := pr.cfg.allow.CheckAddr(addr); code != 0 {
		if code == CodeDenied {
			pr.logger.LogAttrs(ctx, slog.LevelDebug, "wasm probe tcp_connect denied", slog.String("addr", addr))
		}
		return int32(code)
	}
	if timeoutMs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(timeoutMs)*time.Millisecond)
		defer cancel()
	}
	conn, err := pr.p.dialGranted(ctx, "tcp", addr, pr.cfg.allowPrivate, pr.cfg.allow.AllowTCP, &inst.net)
	if err != nil {
		return inst.callFailed(ctx, "tcp_connect", slog.String("addr", addr), err)
	}
	_ = conn.Close()
	return 0
}

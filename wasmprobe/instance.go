package wasmprobe

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/vitals-go/vitals/core"
)

// instKey keys the instance in the context of its instantiation, for host
// functions called by the start function or _initialize.
type instKey struct{}

// instance is one instantiated module with its per-call state. It serves
// one call at a time.
type instance struct {
	pr      *probe
	mod     api.Module
	mem     api.Memory
	fn      api.Function
	stack   []uint64
	buf     uint32
	bufSize uint32
	scratch []byte
	// lastMessage is the previous message, reused when the next is the same.
	lastMessage string

	// per call
	done       <-chan struct{}
	logLines   int
	logDropped int
	abiErr     error
	net        netBudget
	stdout     capBuffer
	stderr     capBuffer
}

func (inst *instance) close() {
	if inst != nil && inst.mod != nil {
		inst.pr.mod.rt.instances.Delete(inst.mod)
		_ = inst.mod.Close(context.Background())
	}
}

// abiError is a rule of the ABI that the guest broke.
type abiError struct{ msg string }

func (e *abiError) Error() string { return e.msg }

func abiErrorf(format string, args ...any) error {
	return &abiError{msg: "abi: " + fmt.Sprintf(format, args...)}
}

// trap aborts the guest's current call because it broke the ABI in a host call.
func (inst *instance) trap(err error) {
	inst.abiErr = err
	panic(err)
}

// nanosleep is WASI's sleep (poll_oneoff): a real sleep that the check's
// deadline (or the provider's Close) cuts short, aborting the guest.
func (inst *instance) nanosleep(ns int64) {
	if ns <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(ns))
	defer t.Stop()
	select {
	case <-t.C:
	case <-inst.done:
		panic(sys.NewExitError(sys.ExitCodeDeadlineExceeded))
	case <-inst.pr.p.closing:
		panic(sys.NewExitError(sys.ExitCodeContextCanceled))
	}
}

// capBuffer keeps the first max bytes written to it and counts the rest.
type capBuffer struct {
	b       []byte
	max     int
	dropped int
}

func (c *capBuffer) Write(p []byte) (int, error) {
	n := min(len(p), c.max-len(c.b))
	c.b = append(c.b, p[:max(n, 0)]...)
	c.dropped += len(p) - max(n, 0)
	return len(p), nil
}

func (c *capBuffer) take() string {
	if len(c.b) == 0 && c.dropped == 0 {
		return ""
	}
	s := string(c.b)
	if c.dropped > 0 {
		s += fmt.Sprintf("… [%d more bytes dropped]", c.dropped)
	}
	c.b, c.dropped = c.b[:0], 0
	return s
}

// newInstance instantiates the module under ctx: start function, then
// _initialize, then reads the buffer. Any failure is returned as a result.
func (pr *probe) newInstance(ctx context.Context, start time.Time) (*instance, *core.Result) {
	inst := &instance{
		pr:     pr,
		stack:  make([]uint64, 1),
		stdout: capBuffer{max: pr.cfg.maxStdioBytes},
		stderr: capBuffer{max: pr.cfg.maxStdioBytes},
		done:   ctx.Done(),
	}
	inst.net.maxCalls, inst.net.maxSockets = pr.cfg.maxNetCalls, pr.cfg.maxSockets
	ictx := context.WithValue(ctx, instKey{}, inst)
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions().
		WithStdout(&inst.stdout).
		WithStderr(&inst.stderr).
		WithSysWalltime().
		WithSysNanotime().
		WithNanosleep(inst.nanosleep).
		WithRandSource(rand.Reader)
	mod, err := pr.mod.rt.r.InstantiateModule(ictx, pr.mod.compiled, cfg)
	if err != nil {
		res := pr.failure(ctx, inst, "instantiation (start function)", err, start)
		inst.finish(ctx)
		return nil, &res
	}
	inst.mod, inst.mem = mod, mod.Memory()
	pr.mod.rt.instances.Store(mod, inst)
	fail := func(phase string, err error) (*instance, *core.Result) {
		res := pr.failure(ctx, inst, phase, err, start)
		inst.finish(ctx)
		inst.close()
		return nil, &res
	}
	if pr.mod.Initialize {
		if _, err := mod.ExportedFunction("_initialize").Call(ictx); err != nil {
			return fail("_initialize", err)
		}
	}
	buf, err := mod.ExportedFunction("vitals_buffer").Call(ictx)
	if err != nil {
		return fail("vitals_buffer", err)
	}
	size, err := mod.ExportedFunction("vitals_buffer_size").Call(ictx)
	if err != nil {
		return fail("vitals_buffer_size", err)
	}
	inst.buf, inst.bufSize = uint32(buf[0]), uint32(size[0])
	switch memSize := inst.mem.Size(); {
	case inst.bufSize == 0:
		return fail("vitals_buffer_size", abiErrorf("vitals_buffer_size returned 0"))
	case uint64(inst.buf)+uint64(inst.bufSize) > uint64(memSize):
		return fail("vitals_buffer", abiErrorf("buffer [%d, %d) from vitals_buffer and vitals_buffer_size is outside memory (%d bytes)",
			inst.buf, uint64(inst.buf)+uint64(inst.bufSize), memSize))
	}
	inst.fn = mod.ExportedFunction("vitals_check")
	return inst, nil
}

// call runs vitals_check once. ok is false when the instance must not be
// reused (it trapped, timed out or broke the ABI).
func (inst *instance) call(ctx context.Context, start time.Time) (res core.Result, ok bool) {
	pr := inst.pr
	inst.done = ctx.Done()
	inst.abiErr = nil
	defer inst.finish(ctx)

	var ms int64
	if dl, has := ctx.Deadline(); has {
		ms = max(time.Until(dl).Milliseconds(), 0)
	}
	in := append(inst.scratch[:0], pr.prefix...)
	in = strconv.AppendInt(in, ms, 10)
	in = append(in, '}')
	inst.scratch = in
	if len(in) > int(inst.bufSize) {
		err := abiErrorf("input of %d bytes exceeds buffer size %d (pass the probe a smaller config)", len(in), inst.bufSize)
		return core.Result{State: core.StateUnknown, Message: err.Error(), Err: err}, true
	}
	inst.mem.Write(inst.buf, in)
	inst.stack[0] = uint64(len(in))
	err := inst.fn.CallWithStack(ctx, inst.stack)
	if err != nil || ctx.Err() != nil {
		return pr.failure(ctx, inst, "vitals_check", err, start), false
	}
	ret := inst.stack[0]
	status, n := ret>>32, uint32(ret)
	var abiErr error
	switch {
	case status > 2:
		abiErr = abiErrorf("status %d is not 0, 1 or 2", status)
	case n > inst.bufSize:
		abiErr = abiErrorf("output length %d exceeds buffer size %d", n, inst.bufSize)
	case int(n) > pr.cfg.maxOutputBytes:
		abiErr = abiErrorf("output length %d exceeds %s %d", n, KeyMaxOutputBytes, pr.cfg.maxOutputBytes)
	}
	var out []byte
	if abiErr == nil {
		out, _ = inst.mem.Read(inst.buf, n)
		res.Message, res.Details, abiErr = parseOutput(out, inst.lastMessage)
		inst.lastMessage = res.Message
	}
	if abiErr != nil {
		inst.abiErr = abiErr
		return pr.failure(ctx, inst, "vitals_check", abiErr, start), false
	}
	switch status {
	case 0:
		res.State = core.StateUp
	case 1:
		res.State = core.StateDegraded
	default:
		res.State = core.StateDown
	}
	if res.Message == "" && status != 0 {
		res.Message = "wasm probe reported " + res.State.String()
	}
	return res, true
}

// finish reports what the call (and the instantiation before a first call)
// left behind, dropped log lines and stdio, and resets the per-call caps.
func (inst *instance) finish(ctx context.Context) {
	pr := inst.pr
	if inst.logDropped > 0 {
		pr.logger.LogAttrs(context.WithoutCancel(ctx), slog.LevelWarn, "wasm probe log lines dropped",
			slog.Int("dropped", inst.logDropped), slog.Int(KeyMaxLogLines, pr.cfg.maxLogLines))
	}
	inst.logLines, inst.logDropped = 0, 0
	inst.net.reset()
	for _, s := range []struct {
		name string
		buf  *capBuffer
	}{{"stdout", &inst.stdout}, {"stderr", &inst.stderr}} {
		if text := s.buf.take(); text != "" {
			pr.logger.LogAttrs(context.WithoutCancel(ctx), slog.LevelDebug, "wasm probe "+s.name, slog.String("text", text))
		}
	}
	inst.done = nil
}

// failure turns an error of a guest call into a result: a timeout is Down
// (as for any provider), everything else Unknown, the probe being broken.
// The guest's stdout and stderr are attached to the details.
func (pr *probe) failure(ctx context.Context, inst *instance, phase string, err error, start time.Time) core.Result {
	var res core.Result
	var exit *sys.ExitError
	isExit := errors.As(err, &exit)
	if ae := (*abiError)(nil); inst.abiErr == nil && errors.As(err, &ae) {
		inst.abiErr = ae
	}
	switch {
	case inst.abiErr != nil:
		res = core.Result{State: core.StateUnknown, Message: inst.abiErr.Error(), Err: inst.abiErr}
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || isExit && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		msg := fmt.Sprintf("wasm probe did not finish %s before the deadline (ran %s)", phase, time.Since(start).Round(time.Millisecond))
		res = core.Result{State: core.StateDown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, context.DeadlineExceeded)}
	case ctx.Err() != nil || isExit && exit.ExitCode() == sys.ExitCodeContextCanceled:
		res = core.Result{State: core.StateDown, Message: "check canceled", Err: context.Canceled}
	case isExit:
		msg := fmt.Sprintf("wasm probe exited with code %d in %s", exit.ExitCode(), phase)
		res = core.Result{State: core.StateUnknown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, err)}
	case err == nil:
		res = core.Result{State: core.StateUnknown, Message: "wasm probe failed in " + phase, Err: errors.New("wasmprobe: failed in " + phase)}
	default:
		first, _, _ := strings.Cut(err.Error(), "\n")
		msg := fmt.Sprintf("wasm probe trapped in %s: %s", phase, first)
		res = core.Result{State: core.StateUnknown, Message: msg, Err: fmt.Errorf("wasmprobe: %w", err)}
	}
	details := map[string]any{}
	if err != nil && inst.abiErr == nil {
		details["wasm_error"] = err.Error()
	}
	if s := inst.stdout.take(); s != "" {
		details["stdout"] = s
	}
	if s := inst.stderr.take(); s != "" {
		details["stderr"] = s
	}
	if len(details) > 0 {
		res.Details = details
	}
	pr.logger.LogAttrs(context.WithoutCancel(ctx), slog.LevelDebug, "wasm probe failed",
		slog.String("phase", phase), slog.String("state", res.State.String()), slog.String("message", res.Message))
	return res
}

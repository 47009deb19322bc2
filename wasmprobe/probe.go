package wasmprobe

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/vitals-go/vitals/core"
)

// probe is the state kept for one component: its parsed config, module,
// logger, HTTP client and instance pool.
type probe struct {
	p      *Provider
	name   string
	raw    map[string]any
	cfg    probeConfig
	mod    *Module
	logger *slog.Logger
	prefix []byte // input up to the timeout_ms value
	http   *http.Client
	pool   *pool
}

func (p *Provider) newProbe(ctx context.Context, c core.Component) (*probe, error) {
	cfg, err := p.parseConfig(c.Config)
	if err != nil {
		return nil, err
	}
	mod, err := p.load(ctx, cfg.module, cfg.memoryPages)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", KeyModule, err)
	}
	name, _ := json.Marshal(c.Name)
	prefix := make([]byte, 0, len(name)+len(cfg.guest)+40)
	prefix = append(prefix, `{"name":`...)
	prefix = append(prefix, name...)
	prefix = append(prefix, `,"config":`...)
	prefix = append(prefix, cfg.guest...)
	prefix = append(prefix, `,"timeout_ms":`...)
	pr := &probe{
		p:      p,
		name:   c.Name,
		raw:    c.Config,
		cfg:    cfg,
		mod:    mod,
		logger: p.log.With(slog.String("probe", c.Name), slog.String("module", cfg.module)),
		prefix: prefix,
		pool:   newPool(cfg.poolSize),
	}
	if mod.usesHTTP && len(cfg.allow.http) > 0 {
		pr.http = p.newHTTPClient(cfg.allow, cfg.allowPrivate)
	}
	return pr, nil
}

func (pr *probe) close() {
	pr.pool.close()
	if pr.http != nil {
		pr.http.CloseIdleConnections()
	}
}

// pool holds up to n instances; a nil slot is an instance still to create.
type pool struct {
	slots chan *instance
	done  chan struct{}
	mu    sync.Mutex
	shut  bool
}

func newPool(n int) *pool {
	p := &pool{slots: make(chan *instance, n), done: make(chan struct{})}
	for range n {
		p.slots <- nil
	}
	return p
}

// get takes a slot, waiting for one until ctx is done or the pool closes.
func (p *pool) get(ctx context.Context) (inst *instance, err error) {
	select {
	case inst = <-p.slots:
		return inst, nil
	default:
	}
	select {
	case inst = <-p.slots:
		if err := ctx.Err(); err != nil { // freed too late to start a call
			p.put(inst)
			return nil, err
		}
		return inst, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.done:
		return nil, errReloaded
	}
}

// put returns a slot: the instance for reuse, or nil to create a new one
// next time. A closed pool closes what comes back.
func (p *pool) put(inst *instance) {
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		inst.close()
		return
	}
	p.slots <- inst
	p.mu.Unlock()
}

func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shut {
		return
	}
	p.shut = true
	close(p.done)
	for {
		select {
		case inst := <-p.slots:
			inst.close()
		default:
			return
		}
	}
}

var errReloaded = errors.New("the component's probe was reloaded or forgotten during the check")

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
func (pr *probe) newInstance(ctx context.Context, start time.Time) (*instance, *core.Check) {
	inst := &instance{
		pr:     pr,
		stack:  make([]uint64, 1),
		stdout: capBuffer{max: pr.cfg.maxStdioBytes},
		stderr: capBuffer{max: pr.cfg.maxStdioBytes},
		done:   ctx.Done(),
	}
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
	fail := func(phase string, err error) (*instance, *core.Check) {
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

// check runs one check: take an instance (creating it if needed), call it,
// give it back or close it.
func (pr *probe) check(ctx context.Context) core.Check {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return core.Check{State: core.StateDown, Message: "the check's deadline passed before the probe ran", Err: fmt.Errorf("wasmprobe: %w", err)}
	}
	inst, err := pr.pool.get(ctx)
	if err != nil {
		if errors.Is(err, errReloaded) {
			return core.Check{State: core.StateUnknown, Message: errReloaded.Error(), Err: err}
		}
		msg := fmt.Sprintf("all %d instances of the probe stayed busy until the deadline", pr.cfg.poolSize)
		return core.Check{State: core.StateDown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, err)}
	}
	if inst == nil || inst.mod.IsClosed() {
		inst.close()
		var res *core.Check
		if inst, res = pr.newInstance(ctx, start); res != nil {
			pr.pool.put(nil)
			return *res
		}
	}
	res, ok := inst.call(ctx, start)
	if !ok || inst.mod.IsClosed() {
		inst.close()
		inst = nil
	}
	pr.pool.put(inst)
	return res
}

// call runs vitals_check once. ok is false when the instance must not be
// reused (it trapped, timed out or broke the ABI).
func (inst *instance) call(ctx context.Context, start time.Time) (res core.Check, ok bool) {
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
		return core.Check{State: core.StateUnknown, Message: err.Error(), Err: err}, true
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
func (pr *probe) failure(ctx context.Context, inst *instance, phase string, err error, start time.Time) core.Check {
	var res core.Check
	var exit *sys.ExitError
	isExit := errors.As(err, &exit)
	if ae := (*abiError)(nil); inst.abiErr == nil && errors.As(err, &ae) {
		inst.abiErr = ae
	}
	switch {
	case inst.abiErr != nil:
		res = core.Check{State: core.StateUnknown, Message: inst.abiErr.Error(), Err: inst.abiErr}
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || isExit && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		msg := fmt.Sprintf("wasm probe did not finish %s before the deadline (ran %s)", phase, time.Since(start).Round(time.Millisecond))
		res = core.Check{State: core.StateDown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, context.DeadlineExceeded)}
	case ctx.Err() != nil || isExit && exit.ExitCode() == sys.ExitCodeContextCanceled:
		res = core.Check{State: core.StateDown, Message: "check canceled", Err: context.Canceled}
	case isExit:
		msg := fmt.Sprintf("wasm probe exited with code %d in %s", exit.ExitCode(), phase)
		res = core.Check{State: core.StateUnknown, Message: msg, Err: fmt.Errorf("wasmprobe: %s: %w", msg, err)}
	case err == nil:
		res = core.Check{State: core.StateUnknown, Message: "wasm probe failed in " + phase, Err: errors.New("wasmprobe: failed in " + phase)}
	default:
		first, _, _ := strings.Cut(err.Error(), "\n")
		msg := fmt.Sprintf("wasm probe trapped in %s: %s", phase, first)
		res = core.Check{State: core.StateUnknown, Message: msg, Err: fmt.Errorf("wasmprobe: %w", err)}
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

// parseOutput reads a probe's output: empty, or a JSON object with an
// optional string "message" and an optional object "details".
// A message equal to last is returned as last, without allocating.
func parseOutput(b []byte, last string) (string, map[string]any, error) {
	if len(b) == 0 {
		return "", nil, nil
	}
	if msg, ok := fastMessage(b, last); ok {
		return msg, nil, nil
	}
	bad := func(err error) error {
		return abiErrorf(`output is not a JSON object {"message","details"}: %v: %s`, err, quoteSnippet(b, 80))
	}
	trimmed := strings.TrimLeft(string(b[:min(len(b), 64)]), " \t\r\n")
	if !strings.HasPrefix(trimmed, "{") {
		return "", nil, bad(errors.New("does not start with {"))
	}
	var out struct {
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", nil, bad(err)
	}
	return out.Message, out.Details, nil
}

// fastMessage decodes the common output {"message":"text"} with a text
// without escapes, without reflection.
func fastMessage(b []byte, last string) (string, bool) {
	const pre, post = `{"message":"`, `"}`
	if len(b) < len(pre)+len(post) || string(b[:len(pre)]) != pre || string(b[len(b)-len(post):]) != post {
		return "", false
	}
	text := b[len(pre) : len(b)-len(post)]
	for _, c := range text {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if string(text) == last {
		return last, true
	}
	if !utf8.Valid(text) {
		return "", false
	}
	return string(text), true
}

// warm starts one instance under a bounded timeout (the component's, or
// Options.DefaultTimeout), so that a module that cannot start is refused
// at load, and keeps it in the pool so that the first check is warm. It
// does nothing when the pool already has a started instance or all its
// slots are taken.
func (pr *probe) warm(timeout time.Duration) error {
	// Take every free slot, so that the started instance goes back first
	// and the next check gets it.
	var slots []*instance
	defer func() {
		for _, inst := range slots {
			pr.pool.put(inst)
		}
	}()
	for len(slots) < cap(pr.pool.slots) {
		select {
		case inst := <-pr.pool.slots:
			slots = append(slots, inst)
			continue
		default:
		}
		break
	}
	for i, inst := range slots {
		if inst != nil && !inst.mod.IsClosed() {
			return nil
		}
		inst.close()
		slots[i] = nil
	}
	if len(slots) == 0 {
		return nil // checks are running: it started before
	}
	if timeout <= 0 {
		timeout = pr.p.opts.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	inst, res := pr.newInstance(ctx, time.Now())
	if res != nil {
		return pr.startError(res, timeout)
	}
	slots[0] = inst
	return nil
}

// startError is the load error of a module whose first instance failed to
// start. A trap or exit while starting is most often a runtime short of
// memory (a Go guest needs about 55 pages): the error says so.
func (pr *probe) startError(res *core.Check, timeout time.Duration) error {
	msg := res.Message
	if s, _ := res.Details["stderr"].(string); s != "" {
		first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
		msg += " (stderr: " + first + ")"
	}
	pages := pr.cfg.memoryPages
	var hint string
	switch {
	case res.State == core.StateDown:
		hint = fmt.Sprintf("it must start within the component's timeout (%s)", timeout)
	case strings.Contains(msg, "out of memory") || strings.Contains(msg, "memory"):
		hint = fmt.Sprintf("it needs more %s than %d (%s): raise %s", KeyMemoryPages, pages, pagesSize(uint64(pages)), KeyMemoryPages)
	default:
		hint = fmt.Sprintf("if it ran out of memory, it needs more %s than %d (%s)", KeyMemoryPages, pages, pagesSize(uint64(pages)))
	}
	return fmt.Errorf("%s: %s: cannot start: %s; %s", KeyModule, pr.cfg.module, msg, hint)
}

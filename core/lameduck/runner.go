package lameduck

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"
)

// Server is what a Runner runs. *http.Server fits through HTTPServer.
//
// A Server may also implement
//
//	Ready() <-chan struct{} // closed once it accepts connections
//
// The Runner then closes its own Ready channel only when the server's
// closes.
type Server interface {
	// Serve serves until Shutdown or Close makes it return. It returns nil
	// then; an error before that ends Run with that error and no lame duck.
	Serve(ctx context.Context) error
	// Shutdown stops accepting connections and waits for in-flight work
	// until ctx ends, returning ctx's error then, as http.Server.Shutdown.
	Shutdown(ctx context.Context) error
	// Close stops the server at once, in-flight work included.
	Close() error
}

type readier interface{ Ready() <-chan struct{} }

type connectionCloser interface{ startConnectionClose() }

// Runner runs a Server and takes it through the lame-duck sequence when one
// of the configured signals arrives or Stop is called:
//
//  1. the OnLameDuck hooks run at once (readiness starts failing) and, with
//     Config.ConnectionClose, keep-alive clients are asked to reconnect;
//  2. the server keeps accepting and serving for the period, so that load
//     balancers see readiness fail and route elsewhere before it stops
//     listening; a second signal ends the period at once;
//  3. the server shuts down gracefully, waiting for in-flight requests up to
//     the drain timeout, past which it is closed hard (*LameDuckError with
//     Expired);
//  4. the OnStopped hooks run in order.
//
// The whole sequence stays within the context of whoever started it (Run's
// for a signal, Stop's otherwise): the period and the drain timeout are
// clamped to its deadline, and a context that ends cuts them short.
type Runner struct {
	srv Server
	cfg Config
	log *slog.Logger

	ready     chan struct{}
	readyOnce sync.Once
	lameDuck  atomic.Bool

	runDone chan struct{} // closed when Run returns; runErr is then set
	runErr  error

	mu        sync.Mutex
	ran       bool
	serveDone chan struct{} // set before Serve starts, closed when it returns
	seq       *sequence
	begun     chan struct{} // closed when seq is set
}

// NewRunner returns a Runner for srv. It fails, naming the field, when cfg
// is invalid.
func NewRunner(srv Server, cfg Config) (*Runner, error) {
	if srv == nil {
		return nil, errors.New("lameduck: server is nil")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Runner{
		srv:     srv,
		cfg:     cfg,
		log:     cfg.Logger,
		ready:   make(chan struct{}),
		runDone: make(chan struct{}),
		begun:   make(chan struct{}),
	}, nil
}

// Run runs srv with lame-duck coverage until it has shut down: it is
// NewRunner followed by Runner.Run.
func Run(ctx context.Context, srv Server, cfg Config) error {
	r, err := NewRunner(srv, cfg)
	if err != nil {
		return err
	}
	return r.Run(ctx)
}

// Ready returns a channel closed once the server is ready to serve: when
// its own Ready channel closes (HTTPAdapter: the listener is bound), or, for
// a Server without one, when Run has called Serve.
func (r *Runner) Ready() <-chan struct{} { return r.ready }

// Done returns a channel closed when Run (or the Run that Start began)
// has returned.
func (r *Runner) Done() <-chan struct{} { return r.runDone }

// Err returns Run's error once Done is closed, nil before.
func (r *Runner) Err() error {
	select {
	case <-r.runDone:
		return r.runErr
	default:
		return nil
	}
}

// InLameDuck reports whether the lame-duck sequence has started.
func (r *Runner) InLameDuck() bool { return r.lameDuck.Load() }

// Middleware returns next wrapped so that, once the lame duck has started,
// HTTP/1 responses carry "Connection: close": the client closes its
// keep-alive connection after the response and its next request opens a
// new one, through the load balancer, which routes it elsewhere. The
// HTTPAdapter does this by itself; use Middleware for other servers (with
// echo: echo.WrapMiddleware(r.Middleware)). With Config.ConnectionClose off
// it returns next.
func (r *Runner) Middleware(next http.Handler) http.Handler {
	if !r.cfg.connectionClose() {
		return next
	}
	return connectionClose(&r.lameDuck, next)
}

// claim marks the runner as run, once.
func (r *Runner) claim() (serveDone chan struct{}, begun <-chan struct{}, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ran {
		return nil, nil, errors.New("lameduck: Run or Start called twice")
	}
	r.ran = true
	if r.seq != nil {
		return nil, nil, ErrClosed
	}
	r.serveDone = make(chan struct{})
	return r.serveDone, r.begun, nil
}

// Run calls srv.Serve, then takes the server through the lame-duck
// sequence on the first configured signal, on Stop, or when ctx ends
// (with no time left, the period and the drain are then cut short), and
// returns once the sequence is over and Serve has returned.
//
// It returns Serve's error when Serve fails before any shutdown (with no
// lame duck), else the sequence's error: nil, a *LameDuckError, or the
// OnStopped hooks' errors, joined. It listens for signals only while it
// runs. It may be called once; after Stop it returns ErrClosed.
func (r *Runner) Run(ctx context.Context) (err error) {
	serveDone, begun, err := r.claim()
	if err != nil {
		if errors.Is(err, ErrClosed) {
			r.runErr = err
			close(r.runDone)
		}
		return err
	}
	return r.run(ctx, serveDone, begun)
}

func (r *Runner) run(ctx context.Context, serveDone chan struct{}, begun <-chan struct{}) (err error) {
	defer func() {
		r.runErr = err
		close(r.runDone)
	}()
	start := time.Now()

	var sigc chan os.Signal
	if len(r.cfg.Signals) > 0 {
		sigc = make(chan os.Signal, 4)
		signal.Notify(sigc, r.cfg.Signals...)
		defer signal.Stop(sigc)
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	var serveErr error
	if rs, ok := r.srv.(readier); ok {
		wg.Go(func() {
			select {
			case <-rs.Ready():
				r.markReady(start)
			case <-serveDone:
			}
		})
	} else {
		r.markReady(start)
	}
	wg.Go(func() {
		defer close(serveDone)
		serveErr = r.srv.Serve(ctx)
	})
	r.log.Info("lameduck: serving", "signals", signalNames(r.cfg.Signals))

	var s *sequence
	served, ctxDone := (<-chan struct{})(serveDone), ctx.Done()
	for {
		var seqDone <-chan struct{}
		if s != nil {
			seqDone = s.done
		}
		select {
		case <-served:
			served = nil
			if s == nil {
				s = r.current()
			}
			if s == nil {
				if serveErr != nil {
					r.log.Error("lameduck: serve failed", "error", serveErr, "after", time.Since(start))
					return fmt.Errorf("lameduck: serve: %w", serveErr)
				}
				r.log.Info("lameduck: server stopped on its own", "after", time.Since(start))
				return nil
			}
		case <-begun:
			begun = nil
			if s == nil {
				s = r.current()
			}
		case sig := <-sigc:
			if s == nil {
				var first bool
				if s, first = r.begin(ctx, "signal "+sig.String(), true); first {
					continue
				}
			}
			s.signal(r, sig)
		case <-ctxDone:
			ctxDone = nil
			if s == nil {
				s, _ = r.begin(ctx, fmt.Sprintf("context done: %v", context.Cause(ctx)), false)
			}
		case <-seqDone:
			<-serveDone
			if serveErr != nil {
				return errors.Join(fmt.Errorf("lameduck: serve: %w", serveErr), s.err)
			}
			return s.err
		}
	}
}

// Start runs Run in a goroutine, with ctx's values but not its
// cancellation, and returns once the server is ready. If Run ends first
// it returns Run's error; if ctx ends first it closes the server, waits
// for Run and returns ctx's error. Stop the server with Stop; Done and
// Err report the end of Run.
func (r *Runner) Start(ctx context.Context) error {
	serveDone, begun, err := r.claim()
	if err != nil {
		return err
	}
	go func() { _ = r.run(context.WithoutCancel(ctx), serveDone, begun) }()
	select {
	case <-r.ready:
		return nil
	case <-r.runDone:
		if r.runErr != nil {
			return r.runErr
		}
		return errors.New("lameduck: server stopped before it was ready")
	case <-ctx.Done():
		_ = r.srv.Close()
		<-r.runDone
		return fmt.Errorf("lameduck: start: server not ready: %w", context.Cause(ctx))
	}
}

// Stop runs the lame-duck sequence (without a signal) and returns its
// error: nil, a *LameDuckError, or the OnStopped hooks' errors. The fx
// OnStop hook calls it with its context, whose deadline bounds the whole
// sequence.
//
// If the sequence has already started (on a signal or an earlier call),
// Stop waits for it and returns its error; ctx's deadline then clamps
// what is left of it. When ctx ends before the sequence is over, the
// sequence is cut short (the period ends, the server is closed hard) and
// Stop returns once it is over. Stop before Run skips the period:
// nothing is being served; a later Run returns ErrClosed.
func (r *Runner) Stop(ctx context.Context) error {
	s, first := r.begin(ctx, "shutdown called", false)
	if !first {
		r.log.Info("lameduck: shutdown called while the lame duck is in progress: waiting for it")
		stop := s.join(ctx)
		defer stop()
	}
	<-s.done
	return s.err
}

func (r *Runner) current() *sequence {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq
}

func (r *Runner) markReady(start time.Time) {
	r.readyOnce.Do(func() {
		close(r.ready)
		r.log.Info("lameduck: server ready", "took", time.Since(start))
	})
}

// begin starts the sequence, or returns the one already started.
func (r *Runner) begin(ctx context.Context, reason string, bySignal bool) (*sequence, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seq != nil {
		return r.seq, false
	}
	s := newSequence(ctx, reason, bySignal)
	r.seq = s
	close(r.begun)
	go r.sequence(s, r.serveDone)
	return s, true
}

func signalNames(sigs []os.Signal) []string {
	out := make([]string, len(sigs))
	for i, s := range sigs {
		out[i] = s.String()
	}
	return out
}

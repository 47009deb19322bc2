package wasmprobe

import (
	"context"
	"errors"
	"sync"
)

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

package core

import (
	"container/heap"
	"slices"
	"testing"
	"time"
)

// The interval and start time of the scheduling tests.
const iv = 10 * time.Second

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func engineWithJitter(t *testing.T, jitter float64) *Engine {
	t.Helper()
	e, err := New(WithJitter(jitter))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestNextDueSpreadsThenKeepsTheInterval: the second check is due in
// [first + interval/2, first + 3/2 interval), spreading components over
// the interval; from there every check is due an interval after the
// previous one was due, whatever the check waited for or took, and one
// that ran past its next due time skips the ones it missed.
func TestNextDueSpreadsThenKeepsTheInterval(t *testing.T) {
	e := engineWithJitter(t, 0)
	var seconds []time.Duration
	for range 1000 {
		ent := newEntry(Component{Name: "c", Interval: iv}, t0)
		ent.due = t0
		second := e.nextDue(ent, t0.Add(3*time.Millisecond))
		if off := second.Sub(t0); off < iv/2 || off >= iv*3/2 {
			t.Fatalf("second check due %v after the first, want in [%v, %v)", off, iv/2, iv*3/2)
		}
		seconds = append(seconds, second.Sub(t0))

		// Started 40ms late and took 2s: the next is still an interval on.
		ent.due = second
		third := e.nextDue(ent, second.Add(2040*time.Millisecond))
		if third != second.Add(iv) {
			t.Fatalf("third due %v after the second, want %v", third.Sub(second), iv)
		}
		// A check that ended 25s past its due time skips the two it missed.
		ent.due = third
		if fourth := e.nextDue(ent, third.Add(25*time.Second)); fourth != third.Add(3*iv) {
			t.Fatalf("after an overrun: due %v after the third, want %v", fourth.Sub(third), 3*iv)
		}
	}
	slices.Sort(seconds)
	// 1000 components' second checks cover the interval: no burst from the
	// second round on.
	if lo, hi := seconds[0], seconds[len(seconds)-1]; lo > iv/2+iv/10 || hi < iv*3/2-iv/10 {
		t.Errorf("second checks of 1000 components span %v..%v, want most of %v..%v", lo, hi, iv/2, iv*3/2)
	}
}

// TestNextDueJitterOnEachInterval: with jitter, each check is due the
// jittered interval after the previous one was due: two checks' gap stays
// within interval ± jitter.
func TestNextDueJitterOnEachInterval(t *testing.T) {
	e := engineWithJitter(t, 0.2)
	ent := newEntry(Component{Name: "c", Interval: iv}, t0)
	ent.due = t0
	ent.due = e.nextDue(ent, t0)
	for i := range 200 {
		next := e.nextDue(ent, ent.due)
		if gap := next.Sub(ent.due); gap < iv*8/10 || gap > iv*12/10 {
			t.Fatalf("round %d: due %v after the previous, want within %v ± 20%%", i, gap, iv)
		}
		ent.due = next
	}
}

// TestDueQueueOrder: earliest due first; equal dues in the order the
// components were first scheduled, every time; a removed one is gone.
func TestDueQueueOrder(t *testing.T) {
	var q dueQueue
	ents := make([]*entry, 6)
	for i := range ents {
		ents[i] = newEntry(Component{Name: string(rune('a' + i))}, t0)
		ents[i].seq = uint64(len(ents) - i) // f first, a last on ties
		heap.Push(&q, ents[i])              // all due at the same time
	}
	ents[2].dueKey = -time.Second // c is due first
	heap.Fix(&q, ents[2].index)
	heap.Remove(&q, ents[4].index) // e is removed
	if ents[4].index != -1 {
		t.Fatalf("removed entry keeps index %d", ents[4].index)
	}
	var got string
	for q.Len() > 0 {
		got += heap.Pop(&q).(*entry).comp.Name
	}
	if got != "cfdba" {
		t.Fatalf("popped %q, want %q", got, "cfdba")
	}
}

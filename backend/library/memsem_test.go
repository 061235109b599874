package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
	"testing"
	"time"
)

func pngOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// With a small budget, the pictures being decoded at once never weigh more
// than it, however many workers there are; a picture heavier than the
// whole budget is still imported, alone.
func TestImportDecodeMemoryBound(t *testing.T) {
	l, _ := openLib(t)
	const side = 200
	one := int64(side * side * 4) // an 8-bit RGBA PNG of side×side
	budget := one * 5 / 2         // two at a time, never three
	l.decodeMem = newMemSem(budget)
	l.workers = 6

	var mu sync.Mutex
	var inUse, peak int64
	var heavySeen bool
	l.decodeHook = func(start bool, w int64) {
		mu.Lock()
		if !start {
			inUse -= w
			mu.Unlock()
			return
		}
		inUse += w
		peak = max(peak, inUse)
		if w == budget {
			heavySeen = true
			if inUse != budget {
				t.Errorf("the heavy picture is decoded beside others: %d bytes in use", inUse)
			}
		}
		mu.Unlock()
		// Let other workers run into the semaphore while this one holds
		// it (not a timing assertion: the check is on the sums above).
		time.Sleep(2 * time.Millisecond)
	}

	var files []File
	for i := range 12 {
		m := image.NewNRGBA(image.Rect(0, 0, side, side))
		for p := range m.Pix {
			m.Pix[p] = uint8(i*20 + p%7)
		}
		files = append(files, File{Name: fmt.Sprintf("p%02d.png", i), Data: pngOf(t, m)})
	}
	// A 16-bit picture weighing more than the whole budget.
	heavy := image.NewNRGBA64(image.Rect(0, 0, 300, 300))
	for y := range 300 {
		for x := range 300 {
			heavy.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 200), uint16(y * 200), 0x8000, 0xffff})
		}
	}
	hp, err := probe(pngOf(t, heavy))
	if err != nil {
		t.Fatal(err)
	}
	if w := decodeWeight(hp); w != 300*300*8 || w <= budget {
		t.Fatalf("16-bit PNG weighs %d; want %d, over the budget %d", w, 300*300*8, budget)
	}
	files = append(files[:6], append([]File{{Name: "heavy16.png", Data: pngOf(t, heavy)}}, files[6:]...)...)

	p, err := l.Import(context.Background(), "ws", files, nil)
	if err != nil || p.Imported != len(files) || len(p.Failed) > 0 {
		t.Fatalf("Import = %+v, %v; want all %d imported", p, err, len(files))
	}
	if peak > budget {
		t.Errorf("%d bytes of pixels decoded at once; budget %d", peak, budget)
	}
	if !heavySeen {
		t.Error("the heavy picture was not weighed at the whole budget")
	}
	if inUse != 0 || l.decodeMem.cur.Load() != 0 {
		t.Errorf("after the import %d (hook) / %d (semaphore) bytes still held", inUse, l.decodeMem.cur.Load())
	}
	t.Logf("peak %d of %d", peak, budget)
}

// A picture over the budget counts as all of it; a worker waiting for room
// gives up when the import is cancelled, holding nothing.
func TestMemSemClampAndCancel(t *testing.T) {
	s := newMemSem(10)
	ctx := context.Background()
	if got := s.weigh(100); got != 10 {
		t.Errorf("weigh(100) = %d; want the whole budget", got)
	}
	a, err := s.acquire(ctx, 6)
	if err != nil || a != 6 {
		t.Fatalf("acquire(6) = %d, %v", a, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if n, err := s.acquire(cctx, 8); !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("acquire(8) after cancel = %d, %v; want 0, canceled", n, err)
	}
	s.release(a)
	big, err := s.acquire(ctx, 1<<40) // heavier than the budget: decoded alone
	if err != nil || big != 10 {
		t.Fatalf("acquire(huge) = %d, %v; want the whole budget", big, err)
	}
	s.release(big)
	if s.cur.Load() != 0 || !s.sem.TryAcquire(s.size) {
		t.Errorf("semaphore left with %d held", s.cur.Load())
	}
}

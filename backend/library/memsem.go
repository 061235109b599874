package library

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// DecodeBudget bounds the memory the import's workers spend on decoded
// pixels at once. Each picture is weighed before it is decoded (width ×
// height × bytes per pixel, from its header); a worker waits until its
// picture fits. A picture heavier than the whole budget (a 100 MP 16-bit
// PNG) counts as the whole budget: it is decoded alone, never refused.
const DecodeBudget = 512 << 20

// decodeWeight is what decoding p is expected to take, in bytes: the
// pixels at the size the header announces, 8 bytes each for 16-bit
// pictures, 4 otherwise (the decoders' RGBA/NRGBA; YCbCr and paletted
// pictures take less, so this errs on the safe side).
func decodeWeight(p probed) int64 {
	bpp := int64(4)
	if p.deep {
		bpp = 8
	}
	return int64(p.width) * int64(p.height) * bpp
}

// memSem is golang.org/x/sync/semaphore's weighted semaphore over a byte
// budget (first come first served, so a heavy picture is not starved by a
// stream of light ones), with weights clamped into the budget and what is
// held counted for the tests.
type memSem struct {
	size int64
	sem  *semaphore.Weighted
	cur  atomic.Int64
}

func newMemSem(size int64) *memSem { return &memSem{size: size, sem: semaphore.NewWeighted(size)} }

// weigh clamps n into 1..size: what acquire and release count for n.
func (s *memSem) weigh(n int64) int64 { return max(1, min(n, s.size)) }

// acquire waits until n bytes fit (or ctx ends) and takes them; it
// returns the weight taken, to give to release.
func (s *memSem) acquire(ctx context.Context, n int64) (int64, error) {
	n = s.weigh(n)
	if err := s.sem.Acquire(ctx, n); err != nil {
		return 0, err
	}
	s.cur.Add(n)
	return n, nil
}

// release gives back what acquire took.
func (s *memSem) release(n int64) {
	s.cur.Add(-n)
	s.sem.Release(n)
}

package store

import (
	"time"
)

// gcDiscardRatio is the share of stale data a value-log file must hold
// before GC rewrites it.
const gcDiscardRatio = 0.5

func (s *Store) startGC() {
	s.gcStop = make(chan struct{})
	s.gcDone = make(chan struct{})
	go func() {
		defer close(s.gcDone)
		tick := time.NewTicker(s.opts.GCInterval)
		defer tick.Stop()
		for {
			select {
			case <-s.gcStop:
				return
			case <-tick.C:
				s.runGC()
			}
		}
	}()
}

// runGC rewrites value-log files until Badger finds none worth rewriting.
func (s *Store) runGC() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return
	}
	for i := 0; i < 16; i++ {
		select {
		case <-s.gcStop:
			return
		default:
		}
		if err := s.db.RunValueLogGC(gcDiscardRatio); err != nil {
			return // badger.ErrNoRewrite: nothing left to collect
		}
	}
}

func (s *Store) stopGC() {
	if s.gcStop == nil {
		return
	}
	close(s.gcStop)
	<-s.gcDone
	s.gcStop = nil
}

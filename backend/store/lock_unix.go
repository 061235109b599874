//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package store

import (
	"fmt"
	"os"
	"syscall"
)

// withDirLock runs fn holding the flock Badger takes on its directory, and
// fails with ErrLocked when another process holds it.
func withDirLock(dir string, fn func() error) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", dir, err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("%w: %v", ErrLocked, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

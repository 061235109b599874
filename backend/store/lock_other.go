//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package store

// withDirLock runs fn. On Windows a file another process has open cannot
// be removed, which protects a database in use; Relais's single-instance
// lock does the rest.
func withDirLock(dir string, fn func() error) error { return fn() }

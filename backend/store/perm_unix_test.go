//go:build unix

package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPermissions checks that nothing of the store is readable by other
// users, whatever the umask, including files Badger creates after Open.
func TestPermissions(t *testing.T) {
	old := syscall.Umask(0o022) // the common default; Badger creates files 0666 &^ umask
	defer syscall.Umask(old)

	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil { // an existing, too open folder
		t.Fatal(err)
	}
	s := openT(t, dir, Options{})
	// About 6 MB of small records: more than a memtable holds, so Badger
	// flushes tables and starts memtables while the store is open.
	val := strings.Repeat("p", 1000)
	for i := 0; i < 60; i++ {
		batch := map[int]string{}
		for j := 0; j < 100; j++ {
			batch[i*100+j] = val
		}
		putAll(t, s, batch)
	}
	putAll(t, s, map[int]string{-1: strings.Repeat("v", 100<<10)}) // value log
	if _, err := s.BackupToDir(context.Background(), "perm"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for _, d := range []string{dir, filepath.Join(dir, dbDirName), s.BlobDir(), s.BackupDir()} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o700 {
			t.Errorf("mode of %s = %v; want 0700", d, got)
		}
	}
	var files int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			rel, _ := filepath.Rel(dir, p)
			t.Errorf("mode of %s = %v; want 0600", rel, got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Errorf("found %d files under %s; want the database's and a backup", files, dir)
	}
}

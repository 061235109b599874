package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// backupMagic opens every backup file; the JSON header line follows it.
const backupMagic = "RELAIS-BACKUP 1\n"

// BackupExt is the extension of backup files.
const BackupExt = ".relaisbak"

// keepAutoBackups is how many automatic backups are kept in backups/.
const keepAutoBackups = 10

// BackupHeader describes a backup file.
type BackupHeader struct {
	Schema  int       `json:"schema"`
	Created time.Time `json:"created"`
	Reason  string    `json:"reason,omitempty"`
}

// Backup writes the whole database to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	return s.backup(ctx, w, "")
}

func (s *Store) backup(ctx context.Context, w io.Writer, reason string) error {
	schema, err := s.Schema(ctx)
	if err != nil {
		return err
	}
	hdr, err := json.Marshal(BackupHeader{Schema: schema, Created: s.opts.Now().UTC(), Reason: reason})
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(backupMagic)
	bw.Write(hdr)
	bw.WriteByte('\n')
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	if _, err := s.db.Backup(bw, 0); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return bw.Flush()
}

// BackupToFile writes a backup to path atomically: a temporary file in the
// same folder, synced, then renamed, so a crash never leaves half a backup
// under the final name.
func (s *Store) BackupToFile(ctx context.Context, path string) error {
	return s.backupToFile(ctx, path, "")
}

func (s *Store) backupToFile(ctx context.Context, path, reason string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".backup-*")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := s.backup(ctx, tmp, reason); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	_ = os.Chmod(tmp.Name(), 0o600)
	return os.Rename(tmp.Name(), path)
}

// BackupToDir writes an automatic backup into BackupDir, named after the
// reason and the time, and prunes the oldest automatic backups.
func (s *Store) BackupToDir(ctx context.Context, reason string) (string, error) {
	name := fmt.Sprintf("auto-%s-%s%s", s.opts.Now().UTC().Format("20060102-150405.000"), reason, BackupExt)
	path := filepath.Join(s.BackupDir(), name)
	if err := s.backupToFile(ctx, path, reason); err != nil {
		return "", err
	}
	s.pruneAutoBackups()
	return path, nil
}

func (s *Store) pruneAutoBackups() {
	matches, _ := filepath.Glob(filepath.Join(s.BackupDir(), "auto-*"+BackupExt))
	sort.Strings(matches) // names start with the time
	for len(matches) > keepAutoBackups {
		_ = os.Remove(matches[0])
		matches = matches[1:]
	}
}

// BackupFile is one file in BackupDir.
type BackupFile struct {
	Path    string
	Size    int64
	ModTime time.Time
}

// AutoBackups lists the automatic backups, newest first.
func (s *Store) AutoBackups() ([]BackupFile, error) {
	matches, err := filepath.Glob(filepath.Join(s.BackupDir(), "*"+BackupExt))
	if err != nil {
		return nil, err
	}
	var out []BackupFile
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil {
			continue
		}
		out = append(out, BackupFile{Path: m, Size: fi.Size(), ModTime: fi.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path > out[j].Path })
	return out, nil
}

// ReadBackupHeader reads and checks the header of a backup stream, leaving
// r positioned at the Badger stream.
func ReadBackupHeader(r *bufio.Reader) (BackupHeader, error) {
	var h BackupHeader
	magic := make([]byte, len(backupMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != backupMagic {
		return h, ErrNotBackup
	}
	line, err := r.ReadSlice('\n')
	if err != nil {
		return h, fmt.Errorf("%w: header: %v", ErrNotBackup, err)
	}
	if err := json.Unmarshal(line, &h); err != nil {
		return h, fmt.Errorf("%w: header: %v", ErrNotBackup, err)
	}
	if h.Schema < 1 {
		return h, fmt.Errorf("%w: no schema", ErrNotBackup)
	}
	return h, nil
}

// Restore replaces the whole database with the backup read from r. The
// current database is first saved as an automatic backup; the backup is
// loaded into a fresh directory and swapped in only once it loaded fully,
// so a bad file changes nothing.
func (s *Store) Restore(ctx context.Context, r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<16)
	h, err := ReadBackupHeader(br)
	if err != nil {
		return err
	}
	if h.Schema > s.latest() {
		return fmt.Errorf("%w (backup %d, this version %d)", ErrBackupTooNew, h.Schema, s.latest())
	}
	fresh := filepath.Join(s.dir, dbDirName+".restore")
	if err := os.RemoveAll(fresh); err != nil {
		return err
	}
	if err := s.loadInto(fresh, br); err != nil {
		os.RemoveAll(fresh)
		return err
	}
	if _, err := s.BackupToDir(ctx, "before-restore"); err != nil {
		os.RemoveAll(fresh)
		return fmt.Errorf("store: backup before restore: %w", err)
	}
	if err := s.swap(fresh); err != nil {
		return err
	}
	return s.migrate(ctx)
}

// loadInto loads a Badger backup stream into a new database at dir and
// checks it holds a schema version.
func (s *Store) loadInto(dir string, r io.Reader) error {
	db, err := badger.Open(DesktopOptions(dir).WithSyncWrites(false).WithLogger(badgerLogger{s.opts.Logger}))
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := db.Load(r, 256); err != nil {
		db.Close()
		return fmt.Errorf("%w: %v", ErrNotBackup, err)
	}
	var ok bool
	err = db.View(func(t *badger.Txn) error {
		_, err := t.Get(schemaKey)
		ok = err == nil
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr // Close flushes and syncs what Load wrote
	}
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if !ok {
		return fmt.Errorf("%w: no schema version inside", ErrNotBackup)
	}
	return nil
}

// swap closes the live database, puts fresh in its place and reopens.
// If reopening fails the previous database is put back.
func (s *Store) swap(fresh string) error {
	s.stopGC()
	defer s.startGC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrClosed
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: restore: close: %w", err)
	}
	s.db = nil
	live := filepath.Join(s.dir, dbDirName)
	old := filepath.Join(s.dir, dbDirName+".old")
	_ = os.RemoveAll(old)
	if err := os.Rename(live, old); err != nil {
		db, oerr := s.openBadger(live)
		s.db = db
		return errors.Join(fmt.Errorf("store: restore: %w", err), oerr)
	}
	if err := os.Rename(fresh, live); err != nil {
		_ = os.Rename(old, live)
		db, oerr := s.openBadger(live)
		s.db = db
		return errors.Join(fmt.Errorf("store: restore: %w", err), oerr)
	}
	db, err := s.openBadger(live)
	if err != nil {
		_ = os.RemoveAll(live)
		_ = os.Rename(old, live)
		db2, oerr := s.openBadger(live)
		s.db = db2
		return errors.Join(fmt.Errorf("store: restore: reopen: %w", err), oerr)
	}
	s.db = db
	_ = os.RemoveAll(old)
	return nil
}

// repairSwap finishes or undoes a restore that a crash interrupted.
func (s *Store) repairSwap() error {
	live := filepath.Join(s.dir, dbDirName)
	old := filepath.Join(s.dir, dbDirName+".old")
	fresh := filepath.Join(s.dir, dbDirName+".restore")
	if _, err := os.Stat(live); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(old); err == nil {
			if err := os.Rename(old, live); err != nil {
				return fmt.Errorf("store: repair interrupted restore: %w", err)
			}
		}
	}
	for _, p := range []string{old, fresh} {
		if strings.HasPrefix(filepath.Base(p), dbDirName+".") {
			_ = os.RemoveAll(p)
		}
	}
	return nil
}

package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"google.golang.org/protobuf/encoding/protowire"
)

// A backup file is, in order:
//
//   - backupMagic;
//   - the header, one line of JSON (BackupHeader);
//   - Badger's backup stream: frames of an 8-byte little-endian length and
//     a protobuf KVList;
//   - the trailer: endOfStream, then the stream's length (8 bytes) and its
//     CRC-32C (4 bytes), both little-endian.
//
// Badger's stream has no end mark, and a stream cut between two frames is
// well formed; the trailer lets Restore refuse a truncated or damaged file
// instead of restoring part of it.

// backupMagic opens every backup file; the JSON header line follows it.
const backupMagic = "RELAIS-BACKUP 1\n"

// endOfStream stands where the next frame's length would; no frame is that
// long.
var endOfStream = [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// maxFrame bounds the length of one frame of the stream (Badger's own
// frames stay near 16 MiB), so a damaged length is refused before anything
// is allocated for it.
const maxFrame = 1 << 32

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

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
	sw := &summingWriter{w: bw}
	if _, err := s.db.Backup(sw, 0); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	var trailer [20]byte
	copy(trailer[:8], endOfStream[:])
	binary.LittleEndian.PutUint64(trailer[8:16], sw.n)
	binary.LittleEndian.PutUint32(trailer[16:], sw.crc)
	bw.Write(trailer[:])
	return bw.Flush()
}

// summingWriter counts and checksums what goes through it.
type summingWriter struct {
	w   io.Writer
	n   uint64
	crc uint32
}

func (s *summingWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.n += uint64(n)
	s.crc = crc32.Update(s.crc, castagnoli, p[:n])
	return n, err
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
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes renames in dir durable. It is best effort: Windows cannot
// open a folder for syncing, and its renames need no such step.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		f.Close()
	}
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

// BackupManual writes a backup the user asked for into BackupDir. Unlike
// the automatic ones it is never pruned: the user decides when it goes.
func (s *Store) BackupManual(ctx context.Context) (string, error) {
	name := fmt.Sprintf("%s%s%s", manualPrefix, s.opts.Now().UTC().Format("20060102-150405.000"), BackupExt)
	path := filepath.Join(s.BackupDir(), name)
	if err := s.backupToFile(ctx, path, "manual"); err != nil {
		return "", err
	}
	return path, nil
}

// Prefixes of the backups Relais writes into BackupDir.
const (
	autoPrefix   = "auto-"
	manualPrefix = "manual-"
)

// BackupFile is one file in BackupDir.
type BackupFile struct {
	Path    string
	Size    int64
	ModTime time.Time
	// Manual is set for a backup the user asked for (BackupManual);
	// otherwise Reason says why Relais wrote it ("before-delete",
	// "before-restore", "before-migration-v2"…).
	Manual bool
	Reason string
}

// Backups lists the backups Relais wrote into BackupDir, automatic and
// manual, newest first.
func (s *Store) Backups() ([]BackupFile, error) {
	var out []BackupFile
	for _, prefix := range []string{autoPrefix, manualPrefix} {
		matches, err := filepath.Glob(filepath.Join(s.BackupDir(), prefix+"*"+BackupExt))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil {
				continue
			}
			b := BackupFile{Path: m, Size: fi.Size(), ModTime: fi.ModTime(), Manual: prefix == manualPrefix}
			if !b.Manual {
				b.Reason = autoReason(filepath.Base(m))
			}
			out = append(out, b)
		}
	}
	// Both kinds carry the time right after their prefix.
	stamp := func(b BackupFile) string {
		n := filepath.Base(b.Path)
		return strings.TrimPrefix(strings.TrimPrefix(n, autoPrefix), manualPrefix)
	}
	sort.Slice(out, func(i, j int) bool { return stamp(out[i]) > stamp(out[j]) })
	return out, nil
}

// autoReason reads the reason out of an automatic backup's name,
// auto-<yyyymmdd>-<hhmmss.mmm>-<reason>.relaisbackup.
func autoReason(name string) string {
	rest := strings.TrimSuffix(strings.TrimPrefix(name, autoPrefix), BackupExt)
	parts := strings.SplitN(rest, "-", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// AutoBackups lists the automatic backups, newest first: Backups without
// the user's own.
func (s *Store) AutoBackups() ([]BackupFile, error) {
	all, err := s.Backups()
	var out []BackupFile
	for _, b := range all {
		if !b.Manual {
			out = append(out, b)
		}
	}
	return out, err
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
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.RLock()
	closed := s.db == nil
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
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
	if err := s.loadInto(fresh, &frameReader{r: br}); err != nil {
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
		if errors.Is(err, ErrNotBackup) { // from frameReader
			return err
		}
		return fmt.Errorf("%w: %v", ErrNotBackup, err)
	}
	// The version inside is the one that counts: the swapped-in database
	// must open.
	var schema int
	err = db.View(func(t *badger.Txn) error {
		item, err := t.Get(schemaKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			var rec schemaRecord
			if Decode(b, &rec) == nil {
				schema = rec.Version
			}
			return nil
		})
	})
	if cerr := db.Close(); err == nil {
		err = cerr // Close flushes and syncs what Load wrote
	}
	switch {
	case err != nil:
		return fmt.Errorf("store: restore: %w", err)
	case schema < 1:
		return fmt.Errorf("%w: no schema version inside", ErrNotBackup)
	case schema > s.latest():
		return fmt.Errorf("%w (database inside %d, this version %d)", ErrBackupTooNew, schema, s.latest())
	}
	return nil
}

// frameReader passes Badger's backup stream on to Load one whole frame at
// a time and checks the trailer. Load allocates a frame's length before
// reading it; handing it only frames that have fully arrived keeps a
// damaged length from costing more memory than the file holds.
type frameReader struct {
	r     io.Reader
	frame bytes.Buffer // the frame being handed out, length included
	n     uint64       // stream bytes read so far
	crc   uint32
	err   error // sticky; io.EOF once the trailer checked out
}

func (f *frameReader) Read(p []byte) (int, error) {
	for f.frame.Len() == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.err = f.next()
	}
	return f.frame.Read(p)
}

// next reads one frame into f.frame, or checks the trailer and returns io.EOF.
func (f *frameReader) next() error {
	var size [8]byte
	if _, err := io.ReadFull(f.r, size[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the trailer is missing
		}
		return fmt.Errorf("%w: truncated: %v", ErrNotBackup, err)
	}
	if size == endOfStream {
		return f.trailer()
	}
	n := binary.LittleEndian.Uint64(size[:])
	if n > maxFrame {
		return fmt.Errorf("%w: frame of %d bytes", ErrNotBackup, n)
	}
	f.frame.Reset()
	f.frame.Write(size[:])
	if _, err := io.CopyN(&f.frame, f.r, int64(n)); err != nil {
		f.frame.Reset()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("%w: truncated: %v", ErrNotBackup, err)
	}
	f.n += uint64(f.frame.Len())
	f.crc = crc32.Update(f.crc, castagnoli, f.frame.Bytes())
	if err := checkFrame(f.frame.Bytes()[8:]); err != nil {
		f.frame.Reset()
		return fmt.Errorf("%w: %v", ErrNotBackup, err)
	}
	return nil
}

// maxVersion bounds the versions a backup may hold. Badger's versions count
// commits, so real ones are far smaller; Load sets the next commit
// timestamp past the largest version it meets, and one near 2^64 overflows
// it (Badger then calls log.Fatal, or loops for ever). The trailer's
// checksum is verified only after Load, so frames are checked here.
const maxVersion = 1 << 62

// checkFrame walks one frame, a protobuf KVList (field 1: repeated KV), and
// refuses it if it does not parse or a KV's version (KV field 4) is above
// maxVersion.
func checkFrame(b []byte) error {
	return walkProto(b, func(num protowire.Number, typ protowire.Type, field []byte) error {
		if num != 1 || typ != protowire.BytesType {
			return nil
		}
		kv, _ := protowire.ConsumeBytes(field)
		return walkProto(kv, func(num protowire.Number, typ protowire.Type, field []byte) error {
			if num != 4 || typ != protowire.VarintType {
				return nil
			}
			if v, _ := protowire.ConsumeVarint(field); v > maxVersion {
				return fmt.Errorf("version %d out of range", v)
			}
			return nil
		})
	})
}

// walkProto calls fn with each field of the protobuf message b: its number,
// type and encoded value.
func walkProto(b []byte, fn func(protowire.Number, protowire.Type, []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return protowire.ParseError(m)
		}
		if err := fn(num, typ, b[:m]); err != nil {
			return err
		}
		b = b[m:]
	}
	return nil
}

func (f *frameReader) trailer() error {
	var t [13]byte // length, CRC, and one byte that must not be there
	n, err := io.ReadFull(f.r, t[:])
	switch {
	case n < 12:
		return fmt.Errorf("%w: truncated trailer: %v", ErrNotBackup, err)
	case n > 12:
		return fmt.Errorf("%w: data after the end of the backup", ErrNotBackup)
	case binary.LittleEndian.Uint64(t[:8]) != f.n || binary.LittleEndian.Uint32(t[8:12]) != f.crc:
		return fmt.Errorf("%w: checksum mismatch: the file is damaged", ErrNotBackup)
	}
	return io.EOF
}

// swap closes the live database, puts fresh in its place and reopens.
// If reopening fails the previous database is put back. At every step a
// crash leaves either db or db.old whole, for repairSwap.
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
	syncDir(s.dir)
	db, err := s.openBadger(live)
	if err != nil {
		// Move the failed database aside rather than deleting it in
		// place: until old is back, a crash must find no db.
		_ = os.Rename(live, fresh)
		_ = os.Rename(old, live)
		syncDir(s.dir)
		_ = os.RemoveAll(fresh)
		db2, oerr := s.openBadger(live)
		s.db = db2
		return errors.Join(fmt.Errorf("store: restore: reopen: %w", err), oerr)
	}
	s.db = db
	_ = os.RemoveAll(old)
	return nil
}

// repairSwap undoes a restore that a crash interrupted between moving the
// live database aside and putting the restored one in its place. It runs
// before Badger opens db, which would otherwise create an empty one.
func (s *Store) repairSwap() error {
	live := filepath.Join(s.dir, dbDirName)
	old := filepath.Join(s.dir, dbDirName+".old")
	if _, err := os.Stat(live); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(old); err == nil {
			if err := os.Rename(old, live); err != nil {
				return fmt.Errorf("store: repair interrupted restore: %w", err)
			}
			syncDir(s.dir)
		}
	}
	return nil
}

// removeSwapLeftovers deletes what an interrupted restore left beside db:
// a half-loaded db.restore, or db.old once db is in place. The caller holds
// Badger's lock on db, so no other process is using them.
func (s *Store) removeSwapLeftovers() {
	for _, name := range []string{dbDirName + ".old", dbDirName + ".restore"} {
		_ = os.RemoveAll(filepath.Join(s.dir, name))
	}
}

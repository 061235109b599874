// Package store is Relais's single embedded database: one Badger (v4)
// database plus a blob folder, both under the user's data directory.
//
// # Layout on disk
//
//	<data dir>/            0700, RELAIS_DATA_DIR or the OS's per-user data folder
//	    db/                the Badger database
//	    blobs/ab/cdef…     content-addressed files (see package blob)
//	    backups/           automatic and user backups (*.relaisbak)
//
// # Key layout
//
// Every key starts with a one-byte table prefix (the Table* constants).
// Records live under their table prefix followed by their id; secondary
// indexes are key-only entries (empty value) whose key carries the indexed
// value and the record id, so a lookup is a prefix scan with
// PrefetchValues off and no index key is ever read-modify-written. Times
// inside keys are big-endian (see TimeKey) so keys sort by time.
//
// # Values
//
// A value is one format byte followed by the payload. FormatJSON (1) is
// versioned JSON; a reader meeting a format byte it does not know fails with
// ErrUnknownFormat instead of guessing. Index entries have empty values.
//
// # Schema and migrations
//
// The key "\x00schema" holds the schema version. Open runs every migration
// newer than the stored version, each in its own transaction together with
// the version bump, after writing an automatic backup to backups/. A database
// written by a newer Relais is refused with ErrSchemaTooNew, untouched.
//
// # Durability
//
// Writes are synced (SyncWrites): when Update returns nil the transaction is
// on disk, so the UI may report it as saved; a kill -9 at any moment loses
// nothing that was confirmed (TestCrashDurability proves it).
//
// # Backup and restore
//
// Backup writes a header, Badger's own backup stream and a trailer with the
// stream's length and checksum. Restore loads a backup into a fresh
// directory beside the database and swaps the two directories only once the
// whole file has loaded and checked out; an interrupted swap is repaired at
// the next Open.
package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Table prefixes. Each table or index owns one byte; never reuse a byte.
const (
	TableMeta     byte = 0x00 // schema version and store bookkeeping
	TableSettings byte = 0x01 // app settings, one key per setting name
	TableSecret   byte = 0x05 // sealed secrets by name (package vault)

	TableWorkspace     byte = 0x10 // workspace records by id
	IndexWorkspaceName byte = 0x11 // key-only: <folded name> 0x00 <id>

	TableAccount          byte = 0x20 // connected accounts by id
	IndexAccountWorkspace byte = 0x21 // key-only: <workspace id> 0x00 <account id>
	TableDevApp           byte = 0x22 // the agency's developer apps by network

	// Visual library (package library), 0x30–0x3F.
	TableAsset          byte = 0x30 // asset records by id
	IndexAssetWorkspace byte = 0x31 // key-only: <workspace id> 0x00 <imported TimeKey> <asset id>
	IndexAssetTag       byte = 0x32 // key-only: <workspace id> 0x00 <folded tag> 0x00 <asset id>
	IndexAssetBlob      byte = 0x33 // key-only: <blob hash> 0x00 <workspace id> 0x00 <asset id>
	TableAssetUsage     byte = 0x34 // <asset id> 0x00 <post id> → {post, scheduled}
	IndexUsagePost      byte = 0x35 // key-only: <post id> 0x00 <asset id>
	TableRendition      byte = 0x36 // <source blob hash> 0x00 <cache key> → rendition blob and size
	IndexAssetTaken     byte = 0x37 // key-only: <workspace id> 0x00 <taken TimeKey> <asset id>

	// Posts and the editorial calendar (package post), 0x40–0x4F.
	TablePost byte = 0x40 // post records by id
	// TablePostEntry is the calendar: each post's summary under
	// <workspace id> 0x00 <due TimeKey> <post id>, the due part being 8 zero
	// bytes for a post without a due time, so a month of one workspace is
	// one range scan and the unscheduled tray one prefix scan.
	TablePostEntry    byte = 0x41
	IndexPostDueAll   byte = 0x42 // key-only: <due TimeKey> <workspace id> 0x00 <post id>, every workspace
	IndexPostLabel    byte = 0x43 // key-only: <workspace id> 0x00 <label> 0x00 <post id>
	TableCampaign     byte = 0x44 // campaigns by id
	TableHashtagGroup byte = 0x45 // hashtag groups by id
	TableSnippet      byte = 0x46 // text snippets by id
	TableSlots        byte = 0x47 // a workspace's posting slots by workspace id

	// Schedule (package schedule), 0x50–0x5F.
	TableJob          byte = 0x50 // publish jobs (one variant to one account) by id
	IndexJobDue       byte = 0x51 // key-only: <TimeKey(next action)> <job id>: what the engine does next
	IndexJobWorkspace byte = 0x52 // key-only: <workspace id> 0x00 <TimeKey(due)> <job id>
	IndexJobAccount   byte = 0x53 // key-only: <account id> 0x00 <job id>
	IndexJobSending   byte = 0x54 // key-only: <job id> of jobs with an attempt sent and not settled
	TableActivity     byte = 0x55 // <workspace id> 0x00 <^TimeKey(at)> <job id>: activity log, newest first
	TableLatePolicy   byte = 0x56 // per-workspace late-after-sleep policy by workspace id

	// Reserved for later tables: 0x50 schedule.
)

// FormatJSON marks a value encoded as JSON.
const FormatJSON byte = 1

var (
	// ErrNotFound is returned when a key does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrClosed is returned by operations on a closed store.
	ErrClosed = errors.New("store: closed")
	// ErrUnknownFormat is returned when a value's format byte is not known.
	ErrUnknownFormat = errors.New("store: unknown value format")
	// ErrSchemaTooNew is returned when the database was written by a newer Relais.
	ErrSchemaTooNew = errors.New("store: database schema is newer than this version of Relais")
	// ErrLocked is returned when another process holds the database.
	ErrLocked = errors.New("store: database is in use by another process")
	// ErrNotBackup is returned when a file given to Restore is not a Relais backup.
	ErrNotBackup = errors.New("store: not a Relais backup")
	// ErrBackupTooNew is returned when a backup was made by a newer Relais.
	ErrBackupTooNew = errors.New("store: backup made by a newer version of Relais")
)

// Options tunes a Store. The zero value is what the app uses.
type Options struct {
	// Migrations replaces the built-in migration list (tests).
	Migrations []Migration
	// Logger receives Badger's warnings and the store's own messages.
	Logger *slog.Logger
	// GCInterval is how often value-log GC runs; 0 means 10 minutes.
	GCInterval time.Duration
	// Now is the clock used for backup names; nil means time.Now.
	Now func() time.Time
	// Badger, when set, adjusts the Badger options after the desktop
	// defaults are applied (benchmarks compare tunings with it).
	Badger func(badger.Options) badger.Options
}

// Store is the open database. It is safe for concurrent use.
type Store struct {
	dir  string
	opts Options

	// life serialises Restore and Close, the two operations that stop GC
	// and replace or drop db.
	life sync.Mutex

	mu     sync.RWMutex // held for writing only while swapping or closing db
	db     *badger.DB
	closed bool

	// writers is shared by Update's transactions and held alone by a
	// retry after a conflict. Taken while holding mu for reading.
	writers sync.RWMutex

	gcStop chan struct{}
	gcDone chan struct{}
}

// Directory names inside the data directory.
const (
	dbDirName     = "db"
	blobDirName   = "blobs"
	backupDirName = "backups"
)

// Open opens (creating if needed) the store under dir, repairs an
// interrupted restore, runs pending migrations and starts value-log GC.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Migrations == nil {
		opts.Migrations = migrations
	}
	if opts.GCInterval == 0 {
		opts.GCInterval = 10 * time.Minute
	}
	for _, d := range []string{dir, filepath.Join(dir, blobDirName), filepath.Join(dir, backupDirName)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", d, err)
		}
		// MkdirAll leaves an existing folder's mode alone; tighten it.
		if runtime.GOOS != "windows" {
			_ = os.Chmod(d, 0o700)
		}
	}
	s := &Store{dir: dir, opts: opts}
	if err := s.repairSwap(); err != nil {
		return nil, err
	}
	db, err := s.openBadger(filepath.Join(dir, dbDirName))
	if err != nil {
		return nil, err
	}
	s.db = db
	// Only now that Badger's lock is ours: another process may be in the
	// middle of a restore using these folders.
	s.removeSwapLeftovers()
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	s.startGC()
	return s, nil
}

// DesktopOptions returns the Badger options Relais uses: small memtables and
// caches, because a desktop app holds megabytes, not gigabytes, and its
// start-up time and resident memory matter more than bulk throughput.
// The figures behind each choice are in BenchmarkOpen.
func DesktopOptions(path string) badger.Options {
	o := badger.DefaultOptions(path).
		WithSyncWrites(true).           // a confirmed write survives kill -9 and power loss
		WithMemTableSize(16 << 20).     // default 64 MiB; 16 MiB lets one transaction (a migration) carry ~2 MB
		WithNumMemtables(2).            // default 5
		WithNumLevelZeroTables(2).      // default 5
		WithNumLevelZeroTablesStall(8). // default 15
		WithBaseTableSize(2 << 20).     // default 2 MiB
		WithBlockCacheSize(8 << 20).    // default 256 MiB
		WithIndexCacheSize(4 << 20).    // default 0 = keep all indexes in memory
		WithValueLogFileSize(64 << 20). // default 1 GiB mmapped per file
		WithValueThreshold(64 << 10).   // small records stay in the LSM tree
		WithNumCompactors(2).           // default 4; two cores are common on laptops
		WithNumVersionsToKeep(1).
		WithMetricsEnabled(false).
		WithDetectConflicts(true)
	if runtime.GOOS != "windows" {
		o = o.WithDir(path).WithValueDir(path)
	}
	return o
}

func (s *Store) openBadger(path string) (*badger.DB, error) {
	o := DesktopOptions(path).WithLogger(badgerLogger{s.opts.Logger})
	if s.opts.Badger != nil {
		o = s.opts.Badger(o)
	}
	if err := repairEmptyValueLogs(o.ValueDir); err != nil {
		return nil, err
	}
	db, err := badger.Open(o)
	if err != nil {
		if isLockErr(err) {
			return nil, fmt.Errorf("%w: %v", ErrLocked, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	tightenFiles(path)
	return db, nil
}

// tightenFiles makes the database files readable by the user only: Badger
// creates them with the process umask (often 0644).
func tightenFiles(path string) {
	if runtime.GOOS == "windows" {
		return
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() {
			_ = os.Chmod(filepath.Join(path, e.Name()), 0o600)
		}
	}
}

// isLockErr reports whether err is Badger's "directory in use" error. Its
// wording differs by OS ("Cannot acquire directory lock" on Unix, "Cannot
// create lock file" on Windows); this sentence is common to both.
func isLockErr(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Another process is using this Badger database")
}

// Dir is the data directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// BlobDir is the folder for content-addressed files.
func (s *Store) BlobDir() string { return filepath.Join(s.dir, blobDirName) }

// BackupDir is the folder automatic backups are written to.
func (s *Store) BackupDir() string { return filepath.Join(s.dir, backupDirName) }

// Close stops background work and closes the database. It is idempotent.
func (s *Store) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.stopGC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	// Badger made new files (tables, memtables, value logs) since Open.
	tightenFiles(filepath.Join(s.dir, dbDirName))
	return err
}

// Update runs fn in a read-write transaction and commits it durably.
// The transaction is retried when it conflicts with a concurrent one, so fn
// must not have side effects outside the transaction.
//
// Transactions run side by side; one that conflicts is retried alone,
// holding writers exclusively, so it cannot conflict again. (Retrying
// optimistically starves: three goroutines incrementing one counter saw
// a transaction lose 17 times in a row.)
func (s *Store) Update(ctx context.Context, fn func(*Txn) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writers.RLock()
	err := s.db.Update(func(t *badger.Txn) error { return fn(&Txn{t: t}) })
	s.writers.RUnlock()
	if !errors.Is(err, badger.ErrConflict) {
		return err
	}
	s.writers.Lock()
	defer s.writers.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(t *badger.Txn) error { return fn(&Txn{t: t}) })
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(*Txn) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(t *badger.Txn) error { return fn(&Txn{t: t}) })
}

// Txn is a transaction with helpers for Relais's value encoding.
// Values returned by it are copies, valid after the transaction ends.
type Txn struct{ t *badger.Txn }

// Get decodes the value at key into v. It returns ErrNotFound when the key
// does not exist.
func (t *Txn) Get(key []byte, v any) error {
	item, err := t.t.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return Decode(b, v) })
}

// Has reports whether key exists.
func (t *Txn) Has(key []byte) (bool, error) {
	_, err := t.t.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Put encodes v and stores it at key.
func (t *Txn) Put(key []byte, v any) error {
	b, err := Encode(v)
	if err != nil {
		return err
	}
	return t.t.Set(key, b)
}

// SetIndex stores a key-only index entry.
func (t *Txn) SetIndex(key []byte) error { return t.t.Set(key, nil) }

// Delete removes key. Deleting a missing key is not an error.
func (t *Txn) Delete(key []byte) error { return t.t.Delete(key) }

// Scan calls fn for every key under prefix in key order, with a decoder for
// its value. Returning a non-nil error from fn stops the scan.
func (t *Txn) Scan(prefix []byte, fn func(key []byte, decode func(v any) error) error) error {
	it := t.t.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		key := item.KeyCopy(nil)
		err := fn(key, func(v any) error {
			return item.Value(func(b []byte) error { return Decode(b, v) })
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// ScanKeys calls fn for every key under prefix without reading values: the
// cheap walk for key-only indexes.
func (t *Txn) ScanKeys(prefix []byte, fn func(key []byte) error) error {
	it := t.t.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		if err := fn(it.Item().KeyCopy(nil)); err != nil {
			return err
		}
	}
	return nil
}

// ScanKeysRange calls fn for every key under prefix from start (included)
// to end (excluded) in key order, without reading values: a time window
// of a key-only index whose keys carry a TimeKey. A nil end means the end
// of prefix.
func (t *Txn) ScanKeysRange(prefix, start, end []byte, fn func(key []byte) error) error {
	it := t.t.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: prefix})
	defer it.Close()
	if bytes.Compare(start, prefix) < 0 {
		start = prefix
	}
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		k := it.Item().Key()
		if end != nil && bytes.Compare(k, end) >= 0 {
			return nil
		}
		if err := fn(it.Item().KeyCopy(nil)); err != nil {
			return err
		}
	}
	return nil
}

// ScanKeysFrom is ScanKeys starting at the first key >= start (start
// begins with prefix): a range walk over a time-ordered index.
func (t *Txn) ScanKeysFrom(prefix, start []byte, fn func(key []byte) error) error {
	it := t.t.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: prefix})
	defer it.Close()
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		if err := fn(it.Item().KeyCopy(nil)); err != nil {
			return err
		}
	}
	return nil
}

// ScanRange is Scan limited to the keys from start (included) to end
// (excluded): a time window of a table whose keys carry a TimeKey. A nil
// end means the end of prefix.
//
// Values are read as the walk reaches them, not prefetched: Badger
// prefetches with one goroutine per item, which for small records (kept in
// the LSM tree, see ValueThreshold) costs more than the read it hides: it
// was a third of a month query (BenchmarkMonthQuery in package post).
func (t *Txn) ScanRange(prefix, start, end []byte, fn func(key []byte, decode func(v any) error) error) error {
	it := t.t.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	if bytes.Compare(start, prefix) < 0 {
		start = prefix
	}
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		if end != nil && bytes.Compare(item.Key(), end) >= 0 {
			return nil
		}
		err := fn(item.KeyCopy(nil), func(v any) error {
			return item.Value(func(b []byte) error { return Decode(b, v) })
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Encode returns the stored form of v: FormatJSON then its JSON.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte(FormatJSON)
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("store: encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Unmarshaler is a value that reads its own stored JSON. Decode hands it
// the payload instead of going through encoding/json, whose validation pass
// and reflection are most of what a scan over many small records costs
// (the calendar's month). It must accept and reject what json.Unmarshal
// would, which the simple way to do is to fall back to it when unsure.
type Unmarshaler interface {
	UnmarshalStored(payload []byte) error
}

// Decode reads a value written by Encode into v.
func Decode(b []byte, v any) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: empty value", ErrUnknownFormat)
	}
	if b[0] != FormatJSON {
		return fmt.Errorf("%w: %d", ErrUnknownFormat, b[0])
	}
	if u, ok := v.(Unmarshaler); ok {
		if err := u.UnmarshalStored(b[1:]); err != nil {
			return fmt.Errorf("store: decode: %w", err)
		}
		return nil
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("store: decode: %w", err)
	}
	return nil
}

// Key joins a table prefix and key parts.
func Key(table byte, parts ...[]byte) []byte {
	n := 1
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	k = append(k, table)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// TimeKey encodes t as 8 big-endian bytes that sort in time order, negative
// Unix times included (the sign bit is flipped).
func TimeKey(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano())^(1<<63))
	return b[:]
}

// ParseTimeKey is the inverse of TimeKey.
func ParseTimeKey(b []byte) (time.Time, error) {
	if len(b) != 8 {
		return time.Time{}, fmt.Errorf("store: time key of %d bytes", len(b))
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC(), nil
}

type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error(fmt.Sprintf(f, a...), "src", "badger") }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn(fmt.Sprintf(f, a...), "src", "badger") }
func (b badgerLogger) Infof(string, ...any)        {}
func (b badgerLogger) Debugf(string, ...any)       {}

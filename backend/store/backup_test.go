package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

var update = flag.Bool("update", false, "rewrite testdata/schema1.relaisbak")

// clock is an Options.Now that moves one second per call, so automatic
// backups get distinct, ordered names.
func clock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func backupBytes(t testing.TB, s *Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Backup(context.Background(), &buf); err != nil {
		t.Fatalf("Backup() = %v; want nil", err)
	}
	return buf.Bytes()
}

// seeded opens a store holding n records of about size bytes each.
func seeded(t testing.TB, n, size int) (*Store, map[int]string) {
	t.Helper()
	s := openT(t, t.TempDir(), Options{Now: clock()})
	data := map[int]string{}
	for i := 0; i < n; i++ {
		data[i] = fmt.Sprintf("%d:%s", i, strings.Repeat("x", size))
	}
	for i := 0; i < n; i += 100 { // keep transactions small
		batch := map[int]string{}
		for j := i; j < min(i+100, n); j++ {
			batch[j] = data[j]
		}
		putAll(t, s, batch)
	}
	return s, data
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, want := seeded(t, 50, 100)
	want[1000] = strings.Repeat("big", 40<<10) // a value-log value
	putAll(t, s, map[int]string{1000: want[1000]})

	file := filepath.Join(t.TempDir(), "mine"+BackupExt)
	if err := s.BackupToFile(ctx, file); err != nil {
		t.Fatalf("BackupToFile(%q) = %v; want nil", file, err)
	}

	// Change, add and delete after the backup.
	putAll(t, s, map[int]string{1: "changed", 5000: "new"})
	if err := s.Update(ctx, func(tx *Txn) error { return tx.Delete(testKey(2)) }); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := s.Restore(ctx, f); err != nil {
		t.Fatalf("Restore(%q) = %v; want nil", file, err)
	}
	checkData(t, s, want)
	if got := schemaT(t, s); got != SchemaVersion() {
		t.Errorf("Schema() after restore = %d; want %d", got, SchemaVersion())
	}

	// The data just replaced was saved first.
	auto, err := s.AutoBackups()
	if err != nil || len(auto) != 1 || !strings.Contains(filepath.Base(auto[0].Path), "before-restore") {
		t.Fatalf("AutoBackups() = %v, %v; want one before-restore backup", auto, err)
	}
	g, err := os.Open(auto[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	other := openT(t, t.TempDir(), Options{})
	if err := other.Restore(ctx, g); err != nil {
		t.Fatalf("Restore(before-restore backup) = %v; want nil", err)
	}
	if got := dump(t, other); got[1] != "changed" || got[5000] != "new" || got[2] != "" {
		t.Errorf("before-restore backup holds 1=%q 2=%q 5000=%q; want the replaced data (changed, deleted, new)", got[1], got[2], got[5000])
	}

	// The store keeps working after the swap…
	putAll(t, s, map[int]string{7000: "after"})
	want[7000] = "after"
	checkData(t, s, want)
	// …and after Close and reopen; no swap leftovers stay behind.
	dir := s.Dir()
	if err := s.Close(); err != nil {
		t.Fatalf("Close() after restore = %v", err)
	}
	s = openT(t, dir, Options{})
	checkData(t, s, want)
	for _, leftover := range []string{dbDirName + ".old", dbDirName + ".restore"} {
		if _, err := os.Stat(filepath.Join(dir, leftover)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Stat(%s) after restore = %v; want not exist", leftover, err)
		}
	}
}

func TestBackupHeader(t *testing.T) {
	s := openT(t, t.TempDir(), Options{Now: func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)) }})
	b := backupBytes(t, s)
	h, err := ReadBackupHeader(bufio.NewReader(bytes.NewReader(b)))
	want := BackupHeader{Schema: SchemaVersion(), Created: time.Date(2025, 1, 2, 2, 4, 5, 0, time.UTC)}
	if err != nil || h.Schema != want.Schema || !h.Created.Equal(want.Created) || h.Reason != "" {
		t.Errorf("ReadBackupHeader(Backup()) = %+v, %v; want %+v, nil", h, err, want)
	}
	name, err := s.BackupToDir(context.Background(), "manual")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if h, err := ReadBackupHeader(bufio.NewReader(f)); err != nil || h.Reason != "manual" {
		t.Errorf("ReadBackupHeader(BackupToDir(manual)) = %+v, %v; want reason manual", h, err)
	}
}

// withHeader returns a backup whose header line is replaced by hdr.
func withHeader(t testing.TB, backup []byte, hdr string) []byte {
	t.Helper()
	rest := backup[len(backupMagic):]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		t.Fatalf("backup has no header line")
	}
	return slices.Concat([]byte(backupMagic), []byte(hdr), rest[i:])
}

// rawBadgerBackup is a backup of a Badger database that was never a Relais
// store (no schema key), under a valid header.
func rawBadgerBackup(t testing.TB) []byte {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *badger.Txn) error { return tx.Set([]byte("k"), []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString(backupMagic + `{"schema":1}` + "\n")
	if _, err := db.Backup(&buf, 0); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tooNewInside is a backup whose header claims schema 1 while the database
// inside is at schema 3.
func tooNewInside(t testing.TB) []byte {
	t.Helper()
	s := openT(t, t.TempDir(), Options{Migrations: []Migration{v1, splitNames(0), markV3(false)}})
	return withHeader(t, backupBytes(t, s), `{"schema":1}`)
}

func TestRestoreRejects(t *testing.T) {
	ctx := context.Background()
	src, _ := seeded(t, 300, 200)
	good := backupBytes(t, src)
	headerLen := len(backupMagic) + bytes.IndexByte(good[len(backupMagic):], '\n') + 1

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty file", nil, ErrNotBackup},
		{"garbage", []byte("PK\x03\x04 this is a zip file, not a backup\n"), ErrNotBackup},
		{"magic only", []byte(backupMagic), ErrNotBackup},
		{"wrong magic version", bytes.Replace(good, []byte("BACKUP 1"), []byte("BACKUP 9"), 1), ErrNotBackup},
		{"header not JSON", withHeader(t, good, `schema=1`), ErrNotBackup},
		{"header without schema", withHeader(t, good, `{"created":"2025-01-01T00:00:00Z"}`), ErrNotBackup},
		{"header line too long", withHeader(t, good, `{"schema":1,"reason":"`+strings.Repeat("r", 1<<17)+`"}`), ErrNotBackup},
		{"header only", good[:headerLen], ErrNotBackup},
		{"truncated in length prefix", good[:headerLen+3], ErrNotBackup},
		{"truncated after 1/3", good[:headerLen+(len(good)-headerLen)/3], ErrNotBackup},
		{"truncated after 2/3", good[:headerLen+2*(len(good)-headerLen)/3], ErrNotBackup},
		{"last byte missing", good[:len(good)-1], ErrNotBackup},
		{"stream is garbage", slices.Concat(good[:headerLen], bytes.Repeat([]byte{0x5a}, 4096)), ErrNotBackup},
		{"huge frame length", slices.Concat(good[:headerLen], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, []byte("short")), ErrNotBackup},
		{"frame length beyond int", slices.Concat(good[:headerLen], bytes.Repeat([]byte{0xff}, 8), []byte("short")), ErrNotBackup},
		{"not a Relais database", rawBadgerBackup(t), ErrNotBackup},
		{"schema too new in header", withHeader(t, good, `{"schema":99}`), ErrBackupTooNew},
		{"schema too new inside", tooNewInside(t), ErrBackupTooNew},
	}

	s, want := seeded(t, 20, 50)
	backupsBefore := backupFiles(t, s.Dir())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Restore(ctx, bytes.NewReader(tt.in))
			if !errors.Is(err, tt.want) {
				t.Errorf("Restore(%s, %d bytes) = %v; want an error wrapping %v", tt.name, len(tt.in), err, tt.want)
			}
			checkData(t, s, want)
			if got := schemaT(t, s); got != SchemaVersion() {
				t.Errorf("Schema() after refused restore = %d; want %d", got, SchemaVersion())
			}
			// Still usable.
			putAll(t, s, map[int]string{-1: tt.name})
			if err := s.Update(ctx, func(tx *Txn) error { return tx.Delete(testKey(-1)) }); err != nil {
				t.Errorf("Update after refused restore = %v; want nil", err)
			}
			if _, err := os.Stat(filepath.Join(s.Dir(), dbDirName+".restore")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Stat(db.restore) after refused restore = %v; want not exist", err)
			}
			if b := backupFiles(t, s.Dir()); len(b) != len(backupsBefore) {
				t.Errorf("backups after refused restore = %q; want no new one", b)
			}
		})
	}

	// The good backup itself restores.
	if err := s.Restore(ctx, bytes.NewReader(good)); err != nil {
		t.Fatalf("Restore(good) = %v; want nil", err)
	}
	if got := len(dump(t, s)); got != 300 {
		t.Errorf("records after Restore(good) = %d; want 300", got)
	}
}

// TestRestoreTruncatedAtFrame cuts backups exactly between two frames of
// Badger's stream: every frame left is well formed, so only the trailer can
// tell the file is incomplete. Badger may send the schema key in a frame of
// its own; without the trailer, that cut would restore an empty database.
func TestRestoreTruncatedAtFrame(t *testing.T) {
	ctx := context.Background()
	src, _ := seeded(t, 50, 1000)
	backups := map[string][]byte{
		"real":    backupBytes(t, src),
		"crafted": crafted(frame(kv{key: schemaKey, value: schemaValue(1), version: 1}), frame(kv{key: testKey(1), value: []byte("\x01\"a\""), version: 2}), frame(kv{key: testKey(2), value: []byte("\x01\"b\""), version: 3})),
	}
	s, want := seeded(t, 3, 10)
	for name, b := range backups {
		headerLen := len(backupMagic) + bytes.IndexByte(b[len(backupMagic):], '\n') + 1
		var cuts []int
		for off := headerLen; off+8 <= len(b); {
			n := binary.LittleEndian.Uint64(b[off:])
			if n > uint64(len(b)-off-8) { // the trailer
				break
			}
			off += 8 + int(n)
			cuts = append(cuts, off)
		}
		if name == "crafted" && len(cuts) != 3 {
			t.Fatalf("crafted backup has frame boundaries %v; want 3", cuts)
		}
		for _, cut := range cuts {
			if err := s.Restore(ctx, bytes.NewReader(b[:cut])); !errors.Is(err, ErrNotBackup) {
				t.Errorf("Restore(%s backup of %d bytes cut at frame boundary %d) = %v; want ErrNotBackup", name, len(b), cut, err)
			}
		}
		checkData(t, s, want)
		if err := s.Restore(ctx, bytes.NewReader(b)); err != nil {
			t.Errorf("Restore(whole %s backup) = %v; want nil", name, err)
		}
		if err := s.Restore(ctx, bytes.NewReader(backupOf(t, want))); err != nil {
			t.Fatal(err)
		}
	}
}

// backupOf returns a backup of a store holding data.
func backupOf(t testing.TB, data map[int]string) []byte {
	t.Helper()
	s := openT(t, t.TempDir(), Options{})
	putAll(t, s, data)
	return backupBytes(t, s)
}

func TestRestoreOlderSchemaMigrates(t *testing.T) {
	ctx := context.Background()
	dir := seedV1(t)
	old := openT(t, dir, Options{Migrations: []Migration{v1}})
	b := backupBytes(t, old)
	old.Close()

	s := openT(t, t.TempDir(), Options{Migrations: []Migration{v1, splitNames(0)}, Now: clock()})
	if err := s.Restore(ctx, bytes.NewReader(b)); err != nil {
		t.Fatalf("Restore(v1 backup into v2 store) = %v; want nil", err)
	}
	if got := schemaT(t, s); got != 2 {
		t.Errorf("Schema() after restoring a v1 backup = %d; want 2", got)
	}
	if got := readPeople[personV2](t, s)["p3"]; got != (personV2{"Alan", "Turing"}) {
		t.Errorf("p3 after restore = %+v; want migrated {Alan Turing}", got)
	}
}

// TestGoldenBackup restores a backup written by this version of Relais and
// kept in testdata: later versions must still read it.
func TestGoldenBackup(t *testing.T) {
	ctx := context.Background()
	golden := filepath.Join("testdata", "schema1"+BackupExt)
	want := map[int]string{1: "one", 2: "twö", 3: strings.Repeat("3", 1000)}
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		src := openT(t, t.TempDir(), Options{Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }})
		putAll(t, src, want)
		if err := src.BackupToFile(ctx, golden); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := openT(t, t.TempDir(), Options{})
	if err := s.Restore(ctx, f); err != nil {
		t.Fatalf("Restore(%s) = %v; want nil", golden, err)
	}
	checkData(t, s, want)
}

func TestAutoBackupPruning(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), Options{Now: clock()})
	putAll(t, s, map[int]string{1: "x"})
	mine := filepath.Join(s.BackupDir(), "mine"+BackupExt)
	if err := s.BackupToFile(ctx, mine); err != nil {
		t.Fatal(err)
	}
	var made []string
	for i := 0; i < keepAutoBackups+3; i++ {
		p, err := s.BackupToDir(ctx, fmt.Sprintf("r%d", i))
		if err != nil {
			t.Fatalf("BackupToDir(r%d) = %v", i, err)
		}
		made = append(made, p)
	}
	auto, err := s.AutoBackups()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range auto {
		got = append(got, b.Path)
		if b.Size == 0 || b.ModTime.IsZero() {
			t.Errorf("AutoBackups() entry %+v; want size and time", b)
		}
	}
	want := slices.Clone(made[3:])
	slices.Reverse(want) // newest first
	if !slices.Equal(got, want) {
		t.Errorf("AutoBackups() = %q; want the %d newest, newest first: %q", got, keepAutoBackups, want)
	}
	for _, p := range made[:3] {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Stat(%s) = %v; want pruned", p, err)
		}
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("Stat(%s) = %v; a user's own backup must not be pruned", mine, err)
	}
	if m, _ := filepath.Glob(filepath.Join(s.BackupDir(), ".backup-*")); len(m) != 0 {
		t.Errorf("temporary files left in backups/: %q", m)
	}
}

func TestRepairInterruptedSwap(t *testing.T) {
	// makeDB creates a database holding one record and returns its db dir.
	makeDB := func(t *testing.T, value string) string {
		dir := t.TempDir()
		s := openT(t, dir, Options{})
		putAll(t, s, map[int]string{1: value})
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, dbDirName)
	}
	tests := []struct {
		name   string
		layout map[string]string // directory name -> value of record 1
		want   string
	}{
		// Crash between the two renames of swap: the old database is put back.
		{"db moved to db.old, restore not yet in place", map[string]string{"db.old": "old", "db.restore": "new"}, "old"},
		{"db moved to db.old, no restore dir", map[string]string{"db.old": "old"}, "old"},
		// Crash after the swap, before db.old was removed.
		{"swap done, db.old left", map[string]string{"db": "new", "db.old": "old"}, "new"},
		// Crash while loading the backup.
		{"restore dir left", map[string]string{"db": "old", "db.restore": "new"}, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, value := range tt.layout {
				if err := os.Rename(makeDB(t, value), filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
			s := openT(t, dir, Options{})
			checkData(t, s, map[int]string{1: tt.want})
			for _, name := range []string{"db.old", "db.restore"} {
				if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("Stat(%s) after Open = %v; want removed", name, err)
				}
			}
		})
	}
}

func TestCloseIdempotent(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	for i := 0; i < 3; i++ {
		if err := s.Close(); err != nil {
			t.Errorf("Close() #%d = %v; want nil", i+1, err)
		}
	}
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	s, _ := seeded(t, 3, 10)
	b := backupBytes(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ops := []struct {
		name string
		fn   func() error
	}{
		{"Update", func() error { return s.Update(ctx, func(*Txn) error { return nil }) }},
		{"View", func() error { return s.View(ctx, func(*Txn) error { return nil }) }},
		{"Schema", func() error { _, err := s.Schema(ctx); return err }},
		{"Backup", func() error { return s.Backup(ctx, io.Discard) }},
		{"BackupToFile", func() error { return s.BackupToFile(ctx, filepath.Join(t.TempDir(), "x"+BackupExt)) }},
		{"BackupToDir", func() error { _, err := s.BackupToDir(ctx, "closed"); return err }},
		{"Restore", func() error { return s.Restore(ctx, bytes.NewReader(b)) }},
	}
	for _, op := range ops {
		if err := op.fn(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v; want ErrClosed", op.name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), dbDirName+".restore")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Restore on a closed store left db.restore behind (%v)", err)
	}
}

func TestLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	putAll(t, s, map[int]string{1: "first"})
	// A half-finished restore of the first store must survive a second
	// Open that is refused.
	restoring := filepath.Join(dir, dbDirName+".restore")
	if err := os.Mkdir(restoring, 0o700); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(ctx, dir, Options{})
	if !errors.Is(err, ErrLocked) {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("second Open(%q) = %v; want ErrLocked", dir, err)
	}
	if _, err := os.Stat(restoring); err != nil {
		t.Errorf("refused Open removed the first store's db.restore: %v", err)
	}
	os.Remove(restoring)
	checkData(t, s, map[int]string{1: "first"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 = openT(t, dir, Options{})
	checkData(t, s2, map[int]string{1: "first"})
}

func TestIsLockErr(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("something else"), false},
		// Badger's messages on Unix and on Windows.
		{errors.New(`Cannot acquire directory lock on "/x/db".  Another process is using this Badger database.: resource temporarily unavailable`), true},
		{errors.New(`Cannot create lock file "C:\\x\\db\\LOCK".  Another process is using this Badger database: The process cannot access the file`), true},
	}
	for _, tt := range tests {
		if got := isLockErr(tt.err); got != tt.want {
			t.Errorf("isLockErr(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}

// TestConcurrentRestore restores while other goroutines read and write and
// GC runs, then closes while a restore is under way: nothing may panic or
// race, and every operation either succeeds or reports ErrClosed.
func TestConcurrentRestore(t *testing.T) {
	ctx := context.Background()
	s, _ := seeded(t, 50, 100)
	s.Close()
	s = openT(t, s.Dir(), Options{GCInterval: time.Millisecond, Now: clock()})
	b := backupBytes(t, s)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				err := s.Update(ctx, func(tx *Txn) error { return tx.Put(testKey(10000+w), i) })
				if err == nil {
					err = s.View(ctx, func(tx *Txn) error { _, err := tx.Has(testKey(1)); return err })
				}
				if err != nil && !errors.Is(err, ErrClosed) {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 3; i++ {
		if err := s.Restore(ctx, bytes.NewReader(b)); err != nil {
			t.Errorf("Restore #%d during writes = %v; want nil", i, err)
		}
	}
	done := make(chan error)
	go func() { done <- s.Restore(ctx, bytes.NewReader(b)) }()
	time.Sleep(5 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Errorf("Close() during Restore = %v; want nil", err)
	}
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("Restore racing Close = %v; want nil or ErrClosed", err)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Update/View during restore = %v", err)
	}
	if err := s.Update(ctx, func(*Txn) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close = %v; want ErrClosed", err)
	}
}

func TestBackupHeaderJSON(t *testing.T) {
	// The header is part of the file format: keep its field names.
	b, err := json.Marshal(BackupHeader{Schema: 1, Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Reason: "r"})
	want := `{"schema":1,"created":"2025-01-01T00:00:00Z","reason":"r"}`
	if err != nil || string(b) != want {
		t.Errorf("json.Marshal(BackupHeader) = %s, %v; want %s", b, err, want)
	}
}

// A backup the user asked for is listed with the automatic ones but never
// pruned with them, and each automatic one says why it was made.
func TestManualBackupsAreKept(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), Options{Now: clock()})
	putAll(t, s, map[int]string{1: "x"})
	manual, err := s.BackupManual(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := ReadBackupHeader(bufio.NewReader(mustOpen(t, manual))); err != nil || h.Reason != "manual" {
		t.Errorf("header of the manual backup = %+v, %v", h, err)
	}
	for i := 0; i < keepAutoBackups+2; i++ {
		if _, err := s.BackupToDir(ctx, "before-migration-v"+fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Backups()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != keepAutoBackups+1 {
		t.Fatalf("Backups() lists %d; want %d automatic and the manual one", len(list), keepAutoBackups)
	}
	last := list[len(list)-1]
	if !last.Manual || last.Path != manual || last.Reason != "" {
		t.Errorf("oldest entry = %+v; want the manual backup, kept", last)
	}
	if first := list[0]; first.Manual || first.Reason != fmt.Sprintf("before-migration-v%d", keepAutoBackups+1) {
		t.Errorf("newest entry = %+v; want the last automatic one with its reason", first)
	}
	for i := 1; i < len(list); i++ {
		if filepath.Base(list[i-1].Path) == filepath.Base(list[i].Path) {
			t.Fatal("duplicate entries")
		}
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

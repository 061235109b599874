package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadBackupHeader: any input either is refused with ErrNotBackup or
// yields a header with a schema, leaving the reader just after the header
// line. Seeds are in testdata/fuzz/FuzzReadBackupHeader.
func FuzzReadBackupHeader(f *testing.F) {
	f.Add([]byte(backupMagic + `{"schema":1,"created":"2025-01-01T00:00:00Z","reason":"x"}` + "\n\x10\x00"))
	f.Add([]byte(backupMagic + `{"schema":0}` + "\n"))
	f.Add([]byte(backupMagic + `{"schema":1e400}` + "\n"))
	f.Add([]byte(backupMagic + "\n"))
	f.Add([]byte("RELAIS-BACKUP 2\n{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		h, err := ReadBackupHeader(r)
		if err != nil {
			if !errors.Is(err, ErrNotBackup) {
				t.Fatalf("ReadBackupHeader(%q) = %v; want nil or ErrNotBackup", b, err)
			}
			return
		}
		if h.Schema < 1 {
			t.Errorf("ReadBackupHeader(%q) = %+v, nil; want an error for schema < 1", b, h)
		}
		if !bytes.HasPrefix(b, []byte(backupMagic)) {
			t.Fatalf("ReadBackupHeader(%q) = %+v, nil; want ErrNotBackup without the magic", b, h)
		}
		end := len(backupMagic) + bytes.IndexByte(b[len(backupMagic):], '\n') + 1
		rest, _ := io.ReadAll(r)
		if !bytes.Equal(rest, b[end:]) {
			t.Errorf("after ReadBackupHeader(%q) the reader holds %q; want %q", b, rest, b[end:])
		}
	})
}

// FuzzRestore feeds arbitrary bytes to Restore on a live store: it must
// never panic, must refuse anything but a backup with ErrNotBackup or
// ErrBackupTooNew, and must leave the data as it was.
func FuzzRestore(f *testing.F) {
	s, want := seeded(f, 5, 20)
	good := backupBytes(f, s) // a backup of the live data: restoring it changes nothing
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:len(good)-4])
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x20
	f.Add(flipped)
	f.Add(withHeader(f, good, `{"schema":99}`))
	f.Add([]byte{})
	f.Add([]byte(backupMagic + `{"schema":1}` + "\n"))
	f.Add([]byte(backupMagic + `{"schema":1}` + "\n\xff\xff\xff\xff\xff\xff\xff\x7fabc"))
	// Well framed and checksummed, but with a version Badger cannot take:
	// whatever the header becomes, it must stay refused.
	f.Add(crafted(frame(kv{key: schemaKey, value: schemaValue(1), version: 1}, kv{key: testKey(9), value: []byte("\x01\"x\""), version: math.MaxUint64 - 1})))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := s.Restore(context.Background(), bytes.NewReader(b))
		if err != nil && !errors.Is(err, ErrNotBackup) && !errors.Is(err, ErrBackupTooNew) {
			t.Fatalf("Restore(%d bytes) = %v; want nil, ErrNotBackup or ErrBackupTooNew", len(b), err)
		}
		// Only good (perhaps with another header) passes the checksum, so
		// the data is the same after a successful restore too.
		checkData(t, s, want)
		if _, err := os.Stat(filepath.Join(s.Dir(), dbDirName+".restore")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Restore(%d bytes) left db.restore behind (%v)", len(b), err)
		}
	})
}

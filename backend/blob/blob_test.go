package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// files lists every file under dir, relative, temporary ones included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func TestPutOpenDedupe(t *testing.T) {
	dir := t.TempDir()
	s := New(filepath.Join(dir, "blobs"))
	ctx := context.Background()
	data := []byte("une baguette bien cuite")
	hash, size, existed, err := s.Put(ctx, bytes.NewReader(data), 0)
	if err != nil || existed || size != int64(len(data)) || hash != sum(data) {
		t.Fatalf("Put = %s, %d, %v, %v; want %s, %d, new", hash, size, existed, err, sum(data), len(data))
	}
	// Stored under blobs/ab/cdef…, readable by the owner only.
	want := filepath.Join(dir, "blobs", hash[:2], hash[2:])
	info, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("blob mode %v; want 0600", info.Mode().Perm())
	}
	f, err := s.Open(hash)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) || !s.Has(hash) {
		t.Errorf("Open = %q, Has = %v", got, s.Has(hash))
	}
	// The same bytes again: the same hash, said to exist, one file.
	h2, _, existed, err := s.Put(ctx, bytes.NewReader(data), 0)
	if err != nil || h2 != hash || !existed {
		t.Errorf("second Put = %s, %v, %v; want the same hash, existed", h2, existed, err)
	}
	if fs := files(t, filepath.Join(dir, "blobs")); len(fs) != 1 {
		t.Errorf("files after two Puts of the same bytes: %q", fs)
	}
	// An empty file is a blob too.
	if h, n, _, err := s.Put(ctx, strings.NewReader(""), 0); err != nil || n != 0 || h != sum(nil) {
		t.Errorf("empty Put = %s, %d, %v", h, n, err)
	}
	missing := sum([]byte("absent"))
	if _, err := s.Open(missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(missing) = %v; want ErrNotFound", err)
	}
	if s.Has(missing) {
		t.Error("Has(missing) = true")
	}
}

func TestSizeLimit(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	ctx := context.Background()
	data := bytes.Repeat([]byte("x"), 100)
	// Exactly the limit is fine.
	if _, n, _, err := s.Put(ctx, bytes.NewReader(data), 100); err != nil || n != 100 {
		t.Fatalf("Put at the limit = %d, %v", n, err)
	}
	// One byte over: refused, nothing stored, no temporary file left.
	over := append(bytes.Repeat([]byte("y"), 100), 'z')
	h, n, _, err := s.Put(ctx, bytes.NewReader(over), 100)
	if !errors.Is(err, ErrTooLarge) || h != "" || n != 0 {
		t.Fatalf("Put over the limit = %q, %d, %v; want ErrTooLarge", h, n, err)
	}
	if s.Has(sum(over)) {
		t.Error("a refused blob was stored")
	}
	if fs := files(t, dir); len(fs) != 1 || strings.Contains(fs[0], ".tmp-") {
		t.Errorf("files after a refused Put: %q; want only the first blob", fs)
	}
	// A reader that never ends stops at limit+1 bytes.
	if _, _, _, err := s.Put(ctx, endless{}, 1<<10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless reader = %v; want ErrTooLarge", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'e'
	}
	return len(p), nil
}

func TestBadHash(t *testing.T) {
	s := New(t.TempDir())
	good := sum([]byte("ok"))
	for _, h := range []string{
		"",
		"abc",
		strings.ToUpper(good),          // hex, but not as Put names it
		good[:63],                      // one short
		good + "0",                     // one long
		"../" + good[3:],               // a path
		good[:62] + "/x",               // a separator
		strings.Repeat("g", 64),        // not hex
		good[:10] + "\x00" + good[11:], // a NUL
	} {
		if _, err := s.Path(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Path(%q) = %v; want ErrBadHash", h, err)
		}
		if _, err := s.Open(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Open(%q) = %v; want ErrBadHash", h, err)
		}
		if s.Has(h) {
			t.Errorf("Has(%q) = true", h)
		}
	}
	if _, err := s.Path(good); err != nil {
		t.Errorf("Path(good) = %v", err)
	}
}

// failing returns some bytes, then an error.
type failing struct {
	left int
	err  error
}

func (f *failing) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, f.err
	}
	n := min(len(p), f.left)
	for i := range n {
		p[i] = 'f'
	}
	f.left -= n
	return n, nil
}

// A write cut short (a read error, a cancelled context) leaves neither a
// blob nor its temporary file.
func TestTempFileCleanedOnFailure(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	boom := errors.New("disk unplugged")
	if _, _, _, err := s.Put(context.Background(), &failing{left: 64 << 10, err: boom}, 0); !errors.Is(err, boom) {
		t.Fatalf("Put(failing reader) = %v; want its error", err)
	}
	if fs := files(t, dir); len(fs) != 0 {
		t.Errorf("files left after a failed Put: %q", fs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := s.Put(ctx, bytes.NewReader([]byte("never")), 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put(cancelled) = %v; want context.Canceled", err)
	}
	if fs := files(t, dir); len(fs) != 0 {
		t.Errorf("files left after a cancelled Put: %q", fs)
	}
	if s.Has(sum([]byte("never"))) {
		t.Error("a cancelled Put stored its blob")
	}
}

// Package blob stores files by the SHA-256 of their content in a folder
// tree (blobs/ab/cdef…), so the same bytes are kept once whatever their name
// or how many records use them.
//
// A blob is written to a temporary file in the blob folder, synced, then
// renamed into place: a crash or a cancelled write never leaves a partial
// file under a final name. Blobs are immutable; deleting one is the job of
// a garbage collector that knows which records still use it.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

var (
	// ErrNotFound is returned for a hash with no blob.
	ErrNotFound = errors.New("blob: not found")
	// ErrTooLarge is returned when content exceeds the caller's limit.
	ErrTooLarge = errors.New("blob: too large")
	// ErrBadHash is returned for a string that is not a SHA-256 in hex.
	ErrBadHash = errors.New("blob: malformed hash")
)

// Store is a content-addressed folder.
type Store struct{ dir string }

// New returns a Store over dir; it touches nothing on disk.
func New(dir string) *Store { return &Store{dir: dir} }

// Path returns where the blob with hash lives.
func (s *Store) Path(hash string) (string, error) {
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return "", fmt.Errorf("%w: %q", ErrBadHash, hash)
	}
	return filepath.Join(s.dir, hash[:2], hash[2:]), nil
}

// Has reports whether the blob exists.
func (s *Store) Has(hash string) bool {
	p, err := s.Path(hash)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

// Put stores r's content, reading at most limit bytes (limit <= 0: no
// limit), and returns its hash, its size and whether it was already stored.
func (s *Store) Put(ctx context.Context, r io.Reader, limit int64) (hash string, size int64, existed bool, err error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", 0, false, err
	}
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return "", 0, false, err
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	size, err = io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, src})
	if err != nil {
		return "", 0, false, err
	}
	if limit > 0 && size > limit {
		return "", 0, false, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	final, _ := s.Path(hash)
	if _, err := os.Stat(final); err == nil {
		return hash, size, true, nil
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, false, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, false, err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return "", 0, false, err
	}
	_ = os.Chmod(tmp.Name(), 0o600)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", 0, false, err
	}
	tmp = nil
	return hash, size, false, nil
}

// Open opens the blob with hash for reading.
func (s *Store) Open(hash string) (*os.File, error) {
	p, err := s.Path(hash)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, hash)
	}
	return f, err
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

package library

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"relais/backend/rendition"
	"relais/backend/store"
)

// GC is what CollectGarbage removed.
type GC struct {
	Removed int
	Bytes   int64
}

// Roots lists blobs that records outside the library use (workspace logos,
// later post media); CollectGarbage keeps them.
type Roots func(ctx context.Context) ([]string, error)

// SetGCGrace changes how old an unreferenced blob must be before
// CollectGarbage removes it (tests use 0).
func (l *Library) SetGCGrace(d time.Duration) { l.gcGrace = d }

// tmpGrace is how old a leftover temporary file (a write cut short by a
// crash) must be before it is removed.
const tmpGrace = time.Hour

// CollectGarbage removes the blobs no record uses: originals and
// thumbnails of deleted assets, renditions whose source is gone, renditions
// of a live visual made for a focal point or crop it no longer has (or by
// an older pipeline), and temporary files left by a crash. A cached
// rendition stays while some live visual with its source would ask for it
// again: same preset and crop, on any background. Imports and renditions
// wait while it runs.
func (l *Library) CollectGarbage(ctx context.Context, roots ...Roots) (GC, error) {
	var res GC
	live := map[string]bool{}
	for _, r := range roots {
		hashes, err := r(ctx)
		if err != nil {
			return res, err
		}
		for _, h := range hashes {
			live[h] = true
		}
	}
	l.gcMu.Lock()
	defer l.gcMu.Unlock()
	// The visuals by source blob: a record's crop and focal point decide
	// which renditions are current. (An asset's Crops map is replaced, never
	// changed in place, so holding it after the lock is safe.)
	bySource := map[string][]Asset{}
	l.mu.RLock()
	for _, e := range l.byID {
		live[e.a.Blob] = true
		live[e.a.Thumb] = true
		bySource[e.a.Blob] = append(bySource[e.a.Blob], e.a)
	}
	l.mu.RUnlock()
	var stale [][]byte
	err := l.db.View(ctx, func(t *store.Txn) error {
		return t.Scan([]byte{TableRendition}, func(key []byte, decode func(any) error) error {
			src, cached, _ := strings.Cut(string(key[1:]), "\x00")
			if !live[src] {
				stale = append(stale, key)
				return nil
			}
			var rec renditionRecord
			if err := decode(&rec); err != nil {
				return err
			}
			if !wanted(src, cached, rec, bySource[src]) {
				stale = append(stale, key)
				return nil
			}
			live[rec.Blob] = true
			return nil
		})
	})
	if err != nil {
		return res, err
	}
	if len(stale) > 0 {
		if err := l.db.Update(ctx, func(t *store.Txn) error {
			for _, k := range stale {
				if err := t.Delete(k); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return res, err
		}
	}
	dir := l.blobDir
	now := time.Now()
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".tmp-") {
			if now.Sub(info.ModTime()) > tmpGrace {
				if os.Remove(p) == nil {
					res.Removed++
					res.Bytes += info.Size()
				}
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		hash := strings.ReplaceAll(filepath.ToSlash(rel), "/", "")
		if len(hash) != 64 || live[hash] || now.Sub(info.ModTime()) < l.gcGrace {
			return nil
		}
		if os.Remove(p) == nil {
			res.Removed++
			res.Bytes += info.Size()
		}
		return nil
	})
	return res, err
}

// wanted reports whether one of assets (the live visuals of source blob
// src) would ask for the cached rendition with key cached today: its
// preset, that visual's current crop for it (hand-set or around the focal
// point) and the record's background give the same cache key.
func wanted(src, cached string, rec renditionRecord, assets []Asset) bool {
	p, ok := rendition.Lookup(rec.Preset)
	if !ok {
		return false // unknown preset, or a record from before Preset was kept
	}
	bg, err := rendition.ParseColor(rec.BG)
	if err != nil {
		return false
	}
	for _, a := range assets {
		crop, _ := cropFor(a, p)
		if cacheKey(src, p, crop, bg) == cached {
			return true
		}
	}
	return false
}

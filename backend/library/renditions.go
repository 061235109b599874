package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"relais/backend/rendition"
	"relais/backend/store"
)

// Rendition is one preset's image of an asset.
type Rendition struct {
	Preset  string
	Key     string // cache key: changes when the source, preset, crop or background change
	Blob    string
	Width   int
	Height  int
	Bytes   int64
	Quality int
	Crop    rendition.Rect // in displayed source pixels
	Manual  bool           // the crop was set by hand
}

// renditionRecord is the cached result stored in TableRendition. Preset,
// Crop and BG are what its cache key was made from, so CollectGarbage can
// tell whether a live visual would still ask for it (a record without them
// predates that check and is collected).
type renditionRecord struct {
	V       int            `json:"v"`
	Blob    string         `json:"blob"`
	Width   int            `json:"width"`
	Height  int            `json:"height"`
	Bytes   int64          `json:"bytes"`
	Quality int            `json:"quality"`
	Preset  string         `json:"preset,omitempty"`
	Crop    rendition.Rect `json:"crop"`
	BG      string         `json:"bg,omitempty"` // #rrggbb
}

// pipelineVersion changes when the rendering code changes its output, so
// old cached renditions are not served for new requests.
const pipelineVersion = 1

func cacheKey(src string, p rendition.Preset, crop rendition.Rect, bg color.NRGBA) string {
	s := fmt.Sprintf("v%d|%s|%s|%dx%d|%d|%d,%d,%d,%d|%02x%02x%02x", pipelineVersion, src, p.ID, p.Width, p.Height,
		p.MaxBytes, crop.X, crop.Y, crop.W, crop.H, bg.R, bg.G, bg.B)
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func renditionKey(src, key string) []byte {
	return store.Key(TableRendition, []byte(src), sep, []byte(key))
}

// cropFor returns the crop used for preset p: the hand-set one, else the
// one around the focal point.
func cropFor(a Asset, p rendition.Preset) (rendition.Rect, bool) {
	if r, ok := a.Crops[p.ID]; ok && !r.Empty() {
		return rendition.Normalize(r, a.Width, a.Height, p), true
	}
	return rendition.FocalCrop(a.Width, a.Height, p, a.FocalX, a.FocalY), false
}

func presetsFor(ids []string) ([]rendition.Preset, error) {
	if len(ids) == 0 {
		return rendition.Presets, nil
	}
	out := make([]rendition.Preset, 0, len(ids))
	for _, id := range ids {
		p, ok := rendition.Lookup(id)
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownPreset, id)
		}
		out = append(out, p)
	}
	return out, nil
}

// Plan returns the renditions of an asset for presets (nil = all) with
// their crops and cache keys, without making them; Made reports whether the
// cached image exists (Blob is then set).
func (l *Library) Plan(ctx context.Context, id string, presets []string, background string) ([]Rendition, error) {
	a, err := l.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	bg, err := rendition.ParseColor(background)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	ps, err := presetsFor(presets)
	if err != nil {
		return nil, err
	}
	out := make([]Rendition, len(ps))
	err = l.db.View(ctx, func(t *store.Txn) error {
		for i, p := range ps {
			crop, manual := cropFor(a, p)
			r := Rendition{Preset: p.ID, Key: cacheKey(a.Blob, p, crop, bg), Width: p.Width, Height: p.Height, Crop: crop, Manual: manual}
			var rec renditionRecord
			switch err := t.Get(renditionKey(a.Blob, r.Key), &rec); {
			case err == nil:
				if l.blobs.Has(rec.Blob) {
					r.Blob, r.Bytes, r.Quality = rec.Blob, rec.Bytes, rec.Quality
				}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			out[i] = r
		}
		return nil
	})
	return out, err
}

// Renditions returns an asset's renditions for presets (nil = all),
// making the missing ones in one pass (decode once) and caching them as
// blobs.
func (l *Library) Renditions(ctx context.Context, id string, presets []string, background string) ([]Rendition, error) {
	plan, err := l.Plan(ctx, id, presets, background)
	if err != nil || allMade(plan) {
		return plan, err
	}
	// One picture is rendered at a time: a 24 MP source needs ~150 MB.
	select {
	case l.renderSem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-l.renderSem }()
	if plan, err = l.Plan(ctx, id, presets, background); err != nil || allMade(plan) {
		return plan, err // made by another caller meanwhile
	}
	a, err := l.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	bg, _ := rendition.ParseColor(background)
	var jobs []rendition.Job
	var missing []int
	for i, r := range plan {
		if r.Blob == "" {
			p, _ := rendition.Lookup(r.Preset)
			jobs = append(jobs, rendition.Job{Preset: p, Crop: r.Crop})
			missing = append(missing, i)
		}
	}
	data, err := l.readBlob(a.Blob)
	if err != nil {
		return nil, err
	}
	pic, err := rendition.Open(data, a.Orient)
	if err != nil {
		return nil, &FileError{Name: a.Name, Err: fmt.Errorf("%w: %v", ErrStoredDamaged, err)}
	}
	outs, err := rendition.Render(ctx, pic, jobs, bg)
	if errors.Is(err, rendition.ErrDecode) {
		// It decoded at import: the stored copy has been damaged since.
		return nil, &FileError{Name: a.Name, Err: fmt.Errorf("%w: %v", ErrStoredDamaged, err)}
	}
	if err != nil {
		return nil, err
	}
	pic, data = nil, nil
	l.gcMu.RLock()
	defer l.gcMu.RUnlock()
	recs := make([]renditionRecord, len(outs))
	for i, o := range outs {
		hash, size, _, err := l.blobs.Put(ctx, bytes.NewReader(o.Data), 0)
		if err != nil {
			return nil, err
		}
		recs[i] = renditionRecord{V: 1, Blob: hash, Width: o.Job.Preset.Width, Height: o.Job.Preset.Height, Bytes: size, Quality: o.Quality,
			Preset: o.Job.Preset.ID, Crop: o.Job.Crop, BG: hexColor(bg)}
	}
	err = l.db.Update(ctx, func(t *store.Txn) error {
		for i, idx := range missing {
			if err := t.Put(renditionKey(a.Blob, plan[idx].Key), recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, idx := range missing {
		plan[idx].Blob, plan[idx].Bytes, plan[idx].Quality = recs[i].Blob, recs[i].Bytes, recs[i].Quality
	}
	return plan, nil
}

func allMade(rs []Rendition) bool {
	for _, r := range rs {
		if r.Blob == "" {
			return false
		}
	}
	return true
}

func (l *Library) readBlob(hash string) ([]byte, error) {
	f, err := l.blobs.Open(hash)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// OpenBlob opens a blob of the library (original, thumbnail, rendition).
func (l *Library) OpenBlob(hash string) (*os.File, error) { return l.blobs.Open(hash) }

// CachedRendition returns the blob of the rendition with cache key key of
// an asset, if it was made.
func (l *Library) CachedRendition(ctx context.Context, id, key string) (string, error) {
	a, err := l.Get(ctx, id)
	if err != nil {
		return "", err
	}
	var rec renditionRecord
	err = l.db.View(ctx, func(t *store.Txn) error { return t.Get(renditionKey(a.Blob, key), &rec) })
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: rendition %s", ErrNotFound, key)
	}
	return rec.Blob, err
}

// SetCrop sets (or, with nil, clears) the hand-made crop of an asset for a
// preset. The rectangle is clipped and trimmed to the preset's ratio.
func (l *Library) SetCrop(ctx context.Context, id, preset string, crop *rendition.Rect) (Asset, error) {
	p, ok := rendition.Lookup(preset)
	if !ok {
		return Asset{}, fmt.Errorf("%w: %q", ErrUnknownPreset, preset)
	}
	return l.modify(ctx, id, func(a *Asset) error {
		if crop == nil {
			delete(a.Crops, preset)
			if len(a.Crops) == 0 {
				a.Crops = nil
			}
			return nil
		}
		if crop.Empty() {
			return fmt.Errorf("%w: empty crop", ErrInvalid)
		}
		if a.Crops == nil {
			a.Crops = map[string]rendition.Rect{}
		}
		a.Crops[preset] = rendition.Normalize(*crop, a.Width, a.Height, p)
		return nil
	})
}

// Export writes the renditions of assets for presets (nil = all) into
// folder as JPEG files named "<name>-<preset>.jpg", and returns how many
// files it wrote. An existing file is never overwritten: a number is added.
func (l *Library) Export(ctx context.Context, ids, presets []string, folder, background string) (int, error) {
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	n := 0
	for _, id := range ids {
		a, err := l.Get(ctx, id)
		if err != nil {
			return n, err
		}
		rs, err := l.Renditions(ctx, id, presets, background)
		if err != nil {
			return n, err
		}
		base := strings.TrimSuffix(a.Name, filepath.Ext(a.Name))
		for _, r := range rs {
			if err := l.exportOne(r.Blob, folder, safeFileName(base+"-"+r.Preset)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func (l *Library) exportOne(hash, folder, base string) error {
	src, err := l.blobs.Open(hash)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(folder, ".relais-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	_ = os.Chmod(tmp.Name(), 0o644)
	for i := 1; i < 1000; i++ {
		name := base + ".jpg"
		if i > 1 {
			name = fmt.Sprintf("%s (%d).jpg", base, i)
		}
		dst := filepath.Join(folder, name)
		// Link then remove: fails instead of replacing an existing file.
		if err := os.Link(tmp.Name(), dst); err == nil {
			return nil
		} else if !os.IsExist(err) {
			// No hard links (some file systems): rename if free.
			if _, serr := os.Stat(dst); os.IsNotExist(serr) {
				return os.Rename(tmp.Name(), dst)
			}
		}
	}
	return fmt.Errorf("library: no free file name for %s in %s", base, folder)
}

func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, " .")
	if s == "" {
		s = "image"
	}
	return s
}

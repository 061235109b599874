// Package library keeps each client's visuals: imported once, stored by
// content, found instantly, and turned into a rendition per network.
//
// # Storage
//
// Originals, thumbnails and renditions are blobs (package blob): files named
// by the SHA-256 of their content under <data>/blobs, so the same picture
// imported twice, under any name and for any client, is stored once.
// Metadata lives in Badger, in the library's tables (0x30–0x3F, see package
// store): one JSON record per asset, and key-only indexes by workspace and
// import date, by workspace and date taken, by workspace and tag, and by
// blob. The usage table records which posts use an asset (package posts
// writes it through MarkUsed/Unmark).
//
// # Promises
//
// An asset's record is written after its blobs, in one transaction with its
// indexes: an import cancelled or killed at any moment leaves no record
// pointing at a missing blob, and blob writes are atomic (temporary file,
// then rename), so no half-written blob exists under a final name. What a
// cancelled import had already stored is either a complete record or an
// unreferenced blob that CollectGarbage removes.
//
// # Search
//
// Every record is held in memory as well (a few hundred bytes each), with
// its searchable text folded (case and accents removed) once; Search scans
// that, which over 10,000 assets takes well under the 20 ms budget
// (BenchmarkSearch). The Badger indexes are kept in the same transaction as
// the records: Tags walks the tag index, and listings by workspace, import
// date or date taken are key-only prefix scans for code that does not
// hold the in-memory index.
package library

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"relais/backend/blob"
	"relais/backend/rendition"
	"relais/backend/store"
	"relais/backend/textfold"
)

// Table prefixes (the library owns 0x30–0x3F; see package store).
const (
	TableAsset          byte = store.TableAsset          // asset records by id
	IndexAssetWorkspace byte = store.IndexAssetWorkspace // key-only: <workspace> 0x00 <imported time> <id>
	IndexAssetTag       byte = store.IndexAssetTag       // key-only: <workspace> 0x00 <folded tag> 0x00 <id>
	IndexAssetBlob      byte = store.IndexAssetBlob      // key-only: <blob hash> 0x00 <workspace> 0x00 <id>
	TableAssetUsage     byte = store.TableAssetUsage     // <asset id> 0x00 <post id> → usage
	IndexUsagePost      byte = store.IndexUsagePost      // key-only: <post id> 0x00 <asset id>
	TableRendition      byte = store.TableRendition      // <source blob> 0x00 <cache key> → rendition
	IndexAssetTaken     byte = store.IndexAssetTaken     // key-only: <workspace> 0x00 <taken time> <id>
)

var (
	// ErrNotFound is returned for an asset id that does not exist.
	ErrNotFound = errors.New("library: visual not found")
	// ErrNoWorkspace is returned when an import names no workspace.
	ErrNoWorkspace = errors.New("library: no workspace")
	// ErrUnsupported is returned for a file that is not JPEG, PNG, GIF or WebP.
	ErrUnsupported = errors.New("library: format not supported")
	// ErrTooManyPixels is returned for a picture over MaxPixels (a
	// decompression bomb, or simply too big to handle).
	ErrTooManyPixels = errors.New("library: too many pixels")
	// ErrCorrupt is returned for a truncated or damaged picture.
	ErrCorrupt = errors.New("library: damaged or truncated picture")
	// ErrStoredDamaged is returned, in a *FileError naming the visual, when
	// a stored original no longer decodes (damaged on disk since import).
	ErrStoredDamaged = errors.New("library: the stored picture is damaged")
	// ErrTooLarge is returned for a file over MaxFileBytes.
	ErrTooLarge = errors.New("library: file too large")
	// ErrUnreadable is returned when a file cannot be read from disk.
	ErrUnreadable = errors.New("library: file cannot be read")
	// ErrInUse is returned when deleting visuals used by scheduled posts
	// without confirmation; the error is an *InUseError naming the posts.
	ErrInUse = errors.New("library: visual used by scheduled posts")
	// ErrInvalid is returned for a malformed request (focal point out of
	// range, unknown preset, bad crop, too many tags…).
	ErrInvalid = errors.New("library: invalid request")
	// ErrUnknownPreset is returned for a preset id not in rendition.Presets.
	ErrUnknownPreset = errors.New("library: unknown preset")
)

// Limits.
const (
	MaxFileBytes = 50 << 20            // bigger files are refused
	MaxPixels    = rendition.MaxPixels // 100 MP
	ThumbPixels  = 320                 // long side of thumbnails
	MaxTags      = 50                  // per asset
	MaxTagLen    = 64                  // runes
	MaxAltLen    = 1500                // runes
)

// FileError names the file a refusal is about; it wraps the sentinel.
type FileError struct {
	Name string
	Err  error
	Info map[string]any
}

func (e *FileError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ErrorInfo is what the UI may show with the error's sentence.
func (e *FileError) ErrorInfo() map[string]any {
	info := map[string]any{"name": e.Name}
	for k, v := range e.Info {
		info[k] = v
	}
	return info
}

// InUseError lists the scheduled posts that use visuals being deleted.
type InUseError struct {
	Posts []string
}

func (e *InUseError) Error() string {
	return ErrInUse.Error() + ": " + strings.Join(e.Posts, ", ")
}
func (e *InUseError) Unwrap() error { return ErrInUse }

// ErrorInfo is what the UI may show with the error's sentence.
func (e *InUseError) ErrorInfo() map[string]any { return map[string]any{"posts": e.Posts} }

// Asset is one visual of one workspace.
type Asset struct {
	V          int       `json:"v"` // record version
	ID         string    `json:"id"`
	Workspace  string    `json:"workspace"`
	Name       string    `json:"name"`
	Format     string    `json:"format"` // jpeg, png, gif, webp
	Width      int       `json:"width"`  // as displayed (EXIF orientation applied)
	Height     int       `json:"height"`
	Bytes      int64     `json:"bytes"`
	Blob       string    `json:"blob"`
	Thumb      string    `json:"thumb"` // blob hash
	ThumbType  string    `json:"thumbType"`
	Orient     int       `json:"orient"` // EXIF orientation 1..8
	TakenAt    time.Time `json:"takenAt,omitzero"`
	ImportedAt time.Time `json:"importedAt"`
	Tags       []string  `json:"tags"`
	Alt        string    `json:"alt"`
	FocalX     float64   `json:"focalX"`
	FocalY     float64   `json:"focalY"`
	Animated   bool      `json:"animated"`
	// Crops holds hand-set crop rectangles by preset id.
	Crops map[string]rendition.Rect `json:"crops,omitempty"`

	// UsedBy lists the posts using the asset (from the usage table; not
	// stored in the record).
	UsedBy []Usage `json:"-"`
}

// Usage is one post using an asset.
type Usage struct {
	Post      string `json:"post"`
	Scheduled bool   `json:"scheduled"`
}

// Orientation is "portrait", "landscape" or "square".
func (a Asset) Orientation() string {
	switch {
	case a.Width > a.Height:
		return "landscape"
	case a.Width < a.Height:
		return "portrait"
	}
	return "square"
}

// SizeClass is "small" (under 1 MP), "medium" (under 6 MP) or "large".
func (a Asset) SizeClass() string {
	px := a.Width * a.Height
	switch {
	case px < 1_000_000:
		return "small"
	case px < 6_000_000:
		return "medium"
	}
	return "large"
}

// entry is an asset in memory with its folded text.
type entry struct {
	a     Asset
	text  string          // folded name, tags and alt
	tags  map[string]bool // folded tags
	usage map[string]bool // post id → scheduled
}

// Library is the visual library over a store. It is safe for concurrent use.
type Library struct {
	db      *store.Store
	blobs   *blob.Store
	blobDir string
	now     func() time.Time

	// gcMu is held for reading while an import writes blobs and their
	// record, and for writing by CollectGarbage, so GC never removes a blob
	// whose record is about to be committed.
	gcMu sync.RWMutex
	// renderSem lets one picture be rendered at a time (memory).
	renderSem chan struct{}
	// decodeMem bounds the pixels the import's workers decode at once
	// (DecodeBudget).
	decodeMem *memSem
	// workers is the import's worker count (0: one per core; tests).
	workers int
	// decodeHook, when set (tests), is called as a picture's decoding
	// starts and ends, with the weight it holds in decodeMem.
	decodeHook func(start bool, weight int64)
	// gcGrace spares blobs younger than this (another package may be
	// between writing a blob and committing its record).
	gcGrace time.Duration

	// commitMu serialises every write of records and usage: the duplicate
	// check of an import, Delete, edits (modify, BulkTag) and MarkUsed.
	// An edit works on the in-memory copy and then commits; two at once
	// would each write their copy, and the later one silently undo the
	// other (alt text saved on blur while the cropper saves a crop), or
	// leave memory in a different order from the database.
	commitMu sync.Mutex

	mu     sync.RWMutex
	byID   map[string]*entry
	order  []*entry // newest import first; rebuilt when dirty
	dirty  bool
	byBlob map[string]map[string]bool // blob → asset ids
}

// Open loads the library's records from db into memory; blobs live in
// db's blob folder.
func Open(ctx context.Context, db *store.Store) (*Library, error) {
	l := &Library{db: db, blobs: blob.New(db.BlobDir()), blobDir: db.BlobDir(), now: time.Now, renderSem: make(chan struct{}, 1), decodeMem: newMemSem(DecodeBudget), gcGrace: 2 * time.Minute}
	if err := l.Reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// SetClock replaces the clock (tests).
func (l *Library) SetClock(now func() time.Time) { l.now = now }

// Reload rebuilds the in-memory index from the store (after a restore).
func (l *Library) Reload(ctx context.Context) error {
	byID := map[string]*entry{}
	byBlob := map[string]map[string]bool{}
	err := l.db.View(ctx, func(t *store.Txn) error {
		err := t.Scan([]byte{TableAsset}, func(_ []byte, decode func(any) error) error {
			var a Asset
			if err := decode(&a); err != nil {
				return err
			}
			e := newEntry(a)
			byID[a.ID] = e
			addBlob(byBlob, a.Blob, a.ID)
			return nil
		})
		if err != nil {
			return err
		}
		return t.Scan([]byte{TableAssetUsage}, func(key []byte, decode func(any) error) error {
			var u Usage
			if err := decode(&u); err != nil {
				return err
			}
			asset, _, _ := strings.Cut(string(key[1:]), "\x00")
			if e := byID[asset]; e != nil {
				e.usage[u.Post] = u.Scheduled
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.byID, l.byBlob, l.dirty = byID, byBlob, true
	l.mu.Unlock()
	return nil
}

func addBlob(m map[string]map[string]bool, hash, id string) {
	if m[hash] == nil {
		m[hash] = map[string]bool{}
	}
	m[hash][id] = true
}

func newEntry(a Asset) *entry {
	e := &entry{a: a, tags: map[string]bool{}, usage: map[string]bool{}}
	e.refold()
	return e
}

func (e *entry) refold() {
	clear(e.tags)
	for _, t := range e.a.Tags {
		e.tags[fold(t)] = true
	}
	e.text = fold(e.a.Name + "\x00" + strings.Join(e.a.Tags, "\x00") + "\x00" + e.a.Alt)
}

// snapshot returns a copy of the asset with its usage.
func (e *entry) snapshot() Asset {
	a := e.a
	a.Tags = append([]string{}, a.Tags...)
	if a.Crops != nil {
		c := make(map[string]rendition.Rect, len(a.Crops))
		for k, v := range a.Crops {
			c[k] = v
		}
		a.Crops = c
	}
	a.UsedBy = make([]Usage, 0, len(e.usage))
	for p, s := range e.usage {
		a.UsedBy = append(a.UsedBy, Usage{Post: p, Scheduled: s})
	}
	sort.Slice(a.UsedBy, func(i, j int) bool { return a.UsedBy[i].Post < a.UsedBy[j].Post })
	return a
}

// fold is the form text is compared in: accents removed, case folded,
// spaces collapsed.
func fold(s string) string { return textfold.Fold(s) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func recKey(id string) []byte { return store.Key(TableAsset, []byte(id)) }

var sep = []byte{0}

// indexKeys returns every index key of a.
func indexKeys(a Asset) [][]byte {
	ws := []byte(a.Workspace)
	keys := [][]byte{
		store.Key(IndexAssetWorkspace, ws, sep, store.TimeKey(a.ImportedAt), []byte(a.ID)),
		store.Key(IndexAssetBlob, []byte(a.Blob), sep, ws, sep, []byte(a.ID)),
	}
	if !a.TakenAt.IsZero() {
		keys = append(keys, store.Key(IndexAssetTaken, ws, sep, store.TimeKey(a.TakenAt), []byte(a.ID)))
	}
	for _, t := range a.Tags {
		keys = append(keys, store.Key(IndexAssetTag, ws, sep, []byte(fold(t)), sep, []byte(a.ID)))
	}
	return keys
}

// put writes a (record and indexes), replacing old's index keys.
func put(t *store.Txn, old *Asset, a Asset) error {
	if old != nil {
		for _, k := range indexKeys(*old) {
			if err := t.Delete(k); err != nil {
				return err
			}
		}
	}
	a.V = 1
	if err := t.Put(recKey(a.ID), a); err != nil {
		return err
	}
	for _, k := range indexKeys(a) {
		if err := t.SetIndex(k); err != nil {
			return err
		}
	}
	return nil
}

// Get returns one asset.
func (l *Library) Get(_ context.Context, id string) (Asset, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e := l.byID[id]
	if e == nil {
		return Asset{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return e.snapshot(), nil
}

// Patch is what Update may change; nil fields are left alone.
type Patch struct {
	Tags   *[]string
	Alt    *string
	FocalX *float64
	FocalY *float64
}

// Update changes an asset's tags, alt text or focal point.
func (l *Library) Update(ctx context.Context, id string, p Patch) (Asset, error) {
	return l.modify(ctx, id, func(a *Asset) error {
		if p.Tags != nil {
			tags, err := cleanTags(*p.Tags)
			if err != nil {
				return err
			}
			a.Tags = tags
		}
		if p.Alt != nil {
			alt := strings.TrimSpace(*p.Alt)
			if len([]rune(alt)) > MaxAltLen {
				return fmt.Errorf("%w: alt text over %d characters", ErrInvalid, MaxAltLen)
			}
			a.Alt = alt
		}
		for _, f := range []*float64{p.FocalX, p.FocalY} {
			if f != nil && (*f < 0 || *f > 1 || *f != *f) {
				return fmt.Errorf("%w: focal point %v outside 0..1", ErrInvalid, *f)
			}
		}
		if p.FocalX != nil {
			a.FocalX = *p.FocalX
		}
		if p.FocalY != nil {
			a.FocalY = *p.FocalY
		}
		return nil
	})
}

// cleanTags trims, drops empties and duplicates (compared folded), keeps
// the first spelling.
func cleanTags(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || seen[fold(t)] {
			continue
		}
		if len([]rune(t)) > MaxTagLen {
			return nil, fmt.Errorf("%w: tag over %d characters", ErrInvalid, MaxTagLen)
		}
		seen[fold(t)] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, fmt.Errorf("%w: over %d tags", ErrInvalid, MaxTags)
	}
	return out, nil
}

// modify applies fn to a copy of the asset and stores it.
func (l *Library) modify(ctx context.Context, id string, fn func(*Asset) error) (Asset, error) {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	l.mu.RLock()
	e := l.byID[id]
	var old Asset
	if e != nil {
		old = e.snapshot()
	}
	l.mu.RUnlock()
	if e == nil {
		return Asset{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	a := old
	a.UsedBy = nil
	if err := fn(&a); err != nil {
		return Asset{}, err
	}
	if err := l.db.Update(ctx, func(t *store.Txn) error {
		var cur Asset
		if err := t.Get(recKey(id), &cur); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("%w: %s", ErrNotFound, id)
			}
			return err
		}
		return put(t, &cur, a)
	}); err != nil {
		return Asset{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.byID[id]; e != nil {
		e.a = a
		e.refold()
		return e.snapshot(), nil
	}
	return Asset{}, fmt.Errorf("%w: %s", ErrNotFound, id)
}

// BulkTag adds and removes tags on several assets in one transaction.
func (l *Library) BulkTag(ctx context.Context, ids []string, add, remove []string) error {
	add, err := cleanTags(add)
	if err != nil {
		return err
	}
	drop := map[string]bool{}
	for _, t := range remove {
		drop[fold(t)] = true
	}
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	l.mu.RLock()
	next := make([]Asset, 0, len(ids))
	for _, id := range ids {
		e := l.byID[id]
		if e == nil {
			l.mu.RUnlock()
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		a := e.snapshot()
		a.UsedBy = nil
		var tags []string
		for _, t := range a.Tags {
			if !drop[fold(t)] {
				tags = append(tags, t)
			}
		}
		if a.Tags, err = cleanTags(append(tags, add...)); err != nil {
			l.mu.RUnlock()
			return err
		}
		next = append(next, a)
	}
	l.mu.RUnlock()
	if err := l.db.Update(ctx, func(t *store.Txn) error {
		for _, a := range next {
			var cur Asset
			if err := t.Get(recKey(a.ID), &cur); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("%w: %s", ErrNotFound, a.ID)
				}
				return err
			}
			if err := put(t, &cur, a); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range next {
		if e := l.byID[a.ID]; e != nil {
			e.a.Tags = a.Tags
			e.refold()
		}
	}
	return nil
}

// Delete removes assets. When one is used by a scheduled post and confirm is
// false, nothing is deleted and the error is an *InUseError naming the
// posts. Blobs stay until CollectGarbage.
func (l *Library) Delete(ctx context.Context, ids []string, confirm bool) error {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	l.mu.RLock()
	var posts []string
	seen := map[string]bool{}
	var victims []Asset
	for _, id := range ids {
		e := l.byID[id]
		if e == nil {
			continue
		}
		victims = append(victims, e.snapshot())
		for p, scheduled := range e.usage {
			if scheduled && !seen[p] {
				seen[p] = true
				posts = append(posts, p)
			}
		}
	}
	l.mu.RUnlock()
	if len(posts) > 0 && !confirm {
		sort.Strings(posts)
		return &InUseError{Posts: posts}
	}
	err := l.db.Update(ctx, func(t *store.Txn) error {
		for _, a := range victims {
			if err := t.Delete(recKey(a.ID)); err != nil {
				return err
			}
			for _, k := range indexKeys(a) {
				if err := t.Delete(k); err != nil {
					return err
				}
			}
			for _, u := range a.UsedBy {
				if err := t.Delete(usageKey(a.ID, u.Post)); err != nil {
					return err
				}
				if err := t.Delete(postKey(u.Post, a.ID)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range victims {
		delete(l.byID, a.ID)
		if m := l.byBlob[a.Blob]; m != nil {
			delete(m, a.ID)
			if len(m) == 0 {
				delete(l.byBlob, a.Blob)
			}
		}
	}
	l.dirty = true
	return nil
}

// TagCount is a tag and how many assets carry it.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// Tags lists the tags used in a workspace ("" = all), most used first. It
// walks the tag index (key-only) and shows each tag as first spelled.
func (l *Library) Tags(ctx context.Context, workspace string) ([]TagCount, error) {
	prefix := []byte{IndexAssetTag}
	if workspace != "" {
		prefix = store.Key(IndexAssetTag, []byte(workspace), sep)
	}
	counts := map[string]int{}
	err := l.db.View(ctx, func(t *store.Txn) error {
		return t.ScanKeys(prefix, func(key []byte) error {
			parts := strings.Split(string(key[1:]), "\x00")
			if len(parts) == 3 {
				counts[parts[1]]++
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// Display spelling: the first asset's spelling of each folded tag.
	spelling := map[string]string{}
	l.mu.RLock()
	for _, e := range l.byID {
		for _, t := range e.a.Tags {
			f := fold(t)
			if s, ok := spelling[f]; !ok || t < s {
				spelling[f] = t
			}
		}
	}
	l.mu.RUnlock()
	out := make([]TagCount, 0, len(counts))
	for f, n := range counts {
		s := spelling[f]
		if s == "" {
			s = f
		}
		out = append(out, TagCount{Tag: s, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Tag < out[j].Tag
	})
	return out, nil
}

// DeleteWorkspace removes every asset of a workspace (the workspace was
// deleted, a backup taken first). Blobs go at the next CollectGarbage.
func (l *Library) DeleteWorkspace(ctx context.Context, workspace string) error {
	l.mu.RLock()
	var ids []string
	for id, e := range l.byID {
		if e.a.Workspace == workspace {
			ids = append(ids, id)
		}
	}
	l.mu.RUnlock()
	if len(ids) == 0 {
		return nil
	}
	return l.Delete(ctx, ids, true)
}

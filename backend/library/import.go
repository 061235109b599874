package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"relais/backend/store"
)

// File is one file to import: a path on disk, or bytes with a name (pasted
// pictures, files picked in a browser).
type File struct {
	Name string
	Path string
	Data []byte
}

// Failure is a file the import refused, and why.
type Failure struct {
	Name string
	Err  error // a *FileError wrapping a sentinel
}

// Progress reports an import's state after each file.
type Progress struct {
	Total      int
	Done       int
	Imported   int // new records
	Duplicates int // files already in the workspace (nothing added)
	// Shared counts the new records whose bytes another workspace already
	// had: the record is added, the blob is not stored a second time.
	Shared int
	// SharedWith lists those other workspaces' ids (sorted, once each).
	SharedWith []string
	Failed     []Failure
	Assets     []string // ids of the assets imported or found as duplicates
}

// ImportExtensions lists the extensions looked at inside folders (other
// files, such as .DS_Store or sidecar files, are skipped silently). Named
// files are always tried, whatever their name.
var ImportExtensions = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jfif": true, ".png": true, ".gif": true, ".webp": true,
	".heic": true, ".heif": true, ".avif": true, ".psd": true, ".pdf": true, ".svg": true,
	".tif": true, ".tiff": true, ".bmp": true,
}

// Expand turns paths (files and folders) into files to import, walking
// folders recursively and skipping hidden entries inside them.
func Expand(paths []string) ([]File, []Failure) {
	var files []File
	var failed []Failure
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			failed = append(failed, Failure{Name: filepath.Base(p), Err: &FileError{Name: filepath.Base(p), Err: ErrUnreadable}})
			continue
		}
		if !info.IsDir() {
			files = append(files, File{Name: filepath.Base(p), Path: p})
			continue
		}
		var inside []File
		_ = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				failed = append(failed, Failure{Name: filepath.Base(q), Err: &FileError{Name: filepath.Base(q), Err: ErrUnreadable}})
				return nil
			}
			if q != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && ImportExtensions[strings.ToLower(filepath.Ext(q))] {
				inside = append(inside, File{Name: d.Name(), Path: q})
			}
			return nil
		})
		sort.Slice(inside, func(i, j int) bool { return inside[i].Path < inside[j].Path })
		files = append(files, inside...)
	}
	return files, failed
}

// Import stores files in a workspace with a worker per core, decoding at
// most DecodeBudget bytes of pixels at once across them. progress
// (may be nil) is called after each file, never concurrently. A refused
// file is reported in Progress.Failed and the others go on. Cancelling ctx
// stops the import between steps: what was committed stays, nothing is
// half-stored. The returned Progress is the final state; the error is
// ctx's when cancelled.
func (l *Library) Import(ctx context.Context, workspace string, files []File, progress func(Progress)) (Progress, error) {
	if workspace == "" || strings.ContainsRune(workspace, 0) {
		return Progress{}, ErrNoWorkspace
	}
	state := Progress{Total: len(files)}
	var mu sync.Mutex
	report := func(r imported, fail *Failure) {
		mu.Lock()
		defer mu.Unlock()
		state.Done++
		switch {
		case fail != nil:
			state.Failed = append(state.Failed, *fail)
		case r.dup:
			state.Duplicates++
			state.Assets = append(state.Assets, r.asset.ID)
		default:
			state.Imported++
			state.Assets = append(state.Assets, r.asset.ID)
			if len(r.sharedWith) > 0 {
				state.Shared++
				for _, w := range r.sharedWith {
					if i, found := slices.BinarySearch(state.SharedWith, w); !found {
						state.SharedWith = slices.Insert(state.SharedWith, i, w)
					}
				}
			}
		}
		if progress != nil {
			snap := state
			snap.Failed = append([]Failure(nil), state.Failed...)
			snap.Assets = append([]string(nil), state.Assets...)
			snap.SharedWith = append([]string(nil), state.SharedWith...)
			progress(snap)
		}
	}
	next := make(chan File)
	var wg sync.WaitGroup
	workers := l.workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	for range min(workers, max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				r, err := l.importOne(ctx, workspace, f)
				if ctx.Err() != nil {
					continue // cancelled: not counted either way
				}
				if err != nil {
					var fe *FileError
					if !errors.As(err, &fe) {
						fe = &FileError{Name: f.Name, Err: err}
					}
					report(imported{}, &Failure{Name: f.Name, Err: fe})
					continue
				}
				report(r, nil)
			}
		}()
	}
feed:
	for _, f := range files {
		select {
		case next <- f:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return state, ctx.Err()
}

// readFile reads a file on disk, refusing one over MaxFileBytes before
// reading it.
func readFile(ctx context.Context, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if info.Size() > MaxFileBytes {
		return nil, ErrTooLarge
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if len(data) > MaxFileBytes {
		return nil, ErrTooLarge
	}
	return data, nil
}

// imported is what importOne did with a file.
type imported struct {
	asset Asset
	// dup: the workspace already had these bytes; nothing was added.
	dup bool
	// sharedWith lists the other workspaces that already had these bytes
	// (the new record reuses their blob).
	sharedWith []string
}

// importOne checks, decodes and stores one file. Order matters for the
// crash promise: the original and thumbnail blobs are written (atomically)
// first, then the record and its indexes in one transaction.
func (l *Library) importOne(ctx context.Context, workspace string, f File) (imported, error) {
	var data []byte
	fail := func(err error) (imported, error) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return imported{}, err
		}
		info := map[string]any{}
		switch {
		case errors.Is(err, ErrTooLarge):
			info["maxMB"] = MaxFileBytes >> 20
		case errors.Is(err, ErrTooManyPixels):
			info["maxMP"] = MaxPixels / 1_000_000
		case errors.Is(err, ErrUnsupported):
			kind, _ := sniff(data)
			info["format"] = kind
		}
		return imported{}, &FileError{Name: f.Name, Err: err, Info: info}
	}
	data = f.Data
	if f.Path != "" {
		var err error
		if data, err = readFile(ctx, f.Path); err != nil {
			return fail(err)
		}
	} else if len(data) > MaxFileBytes {
		return fail(ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	// Several 100 MP pictures decoded at once by one worker per core
	// would take gigabytes: wait until this one's pixels fit the budget.
	// The header is read once: it refuses what cannot be decoded before
	// any wait, and gives the weight.
	probed, err := probe(data)
	if err != nil {
		return fail(err)
	}
	weight, err := l.decodeMem.acquire(ctx, decodeWeight(probed))
	if err != nil {
		return fail(err)
	}
	if l.decodeHook != nil {
		l.decodeHook(true, weight)
	}
	p, err := decodeProbed(data, probed)
	if l.decodeHook != nil {
		l.decodeHook(false, weight)
	}
	l.decodeMem.release(weight)
	if err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	thumb, thumbType := p.thumb, p.thumbType

	l.gcMu.RLock()
	defer l.gcMu.RUnlock()
	hash, size, _, err := l.blobs.Put(ctx, bytes.NewReader(data), MaxFileBytes)
	if err != nil {
		return fail(err)
	}
	thumbHash, _, _, err := l.blobs.Put(ctx, bytes.NewReader(thumb), 0)
	if err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	w, h := p.width, p.height
	if p.orient >= 5 {
		w, h = h, w
	}
	a := Asset{ID: newID(), Workspace: workspace, Name: cleanName(f.Name), Format: p.format, Width: w, Height: h,
		Bytes: size, Blob: hash, Thumb: thumbHash, ThumbType: thumbType, Orient: p.orient, TakenAt: p.takenAt,
		ImportedAt: l.now().UTC(), Tags: []string{}, FocalX: 0.5, FocalY: 0.5, Animated: p.animated}

	// One writer at a time decides "already in this workspace?" and
	// commits, so two workers importing the same bytes make one record.
	// Searches go on meanwhile: the index lock is taken only to read and
	// then to add the record, not during the synced commit.
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	l.mu.RLock()
	var others []string
	for id := range l.byBlob[hash] {
		e := l.byID[id]
		switch {
		case e == nil:
		case e.a.Workspace == workspace:
			dup := e.snapshot()
			l.mu.RUnlock()
			return imported{asset: dup, dup: true}, nil
		case !slices.Contains(others, e.a.Workspace):
			others = append(others, e.a.Workspace)
		}
	}
	l.mu.RUnlock()
	slices.Sort(others)
	if err := l.db.Update(ctx, func(t *store.Txn) error { return put(t, nil, a) }); err != nil {
		return fail(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID[a.ID] = newEntry(a)
	addBlob(l.byBlob, a.Blob, a.ID)
	l.dirty = true
	return imported{asset: l.byID[a.ID].snapshot(), sharedWith: others}, nil
}

func cleanName(name string) string {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "" || name == "." || name == "/" {
		name = "image"
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}

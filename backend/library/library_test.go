package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/backend/store"
)

func openLib(t testing.TB) (*Library, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	l, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	l.SetGCGrace(0)
	return l, db
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func importOne(t testing.TB, l *Library, ws, name string, data []byte) (Asset, Progress) {
	t.Helper()
	p, err := l.Import(context.Background(), ws, []File{{Name: name, Data: data}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Assets) != 1 {
		return Asset{}, p
	}
	a, err := l.Get(context.Background(), p.Assets[0])
	if err != nil {
		t.Fatal(err)
	}
	return a, p
}

func TestImportFormats(t *testing.T) {
	tests := []struct {
		file          string
		format        string
		w, h          int
		orient        string
		animated      bool
		taken         string // RFC 3339 or ""
		thumbType     string
		err           error
		infoKey, info string
	}{
		{file: "portrait.jpg", format: "jpeg", w: 300, h: 400, orient: "portrait", taken: "2024-06-01T18:30:00Z", thumbType: "image/jpeg"},
		{file: "landscape.jpg", format: "jpeg", w: 400, h: 300, orient: "landscape", taken: "2023-12-24T09:15:00Z", thumbType: "image/jpeg"},
		{file: "orient-1.jpg", format: "jpeg", w: 48, h: 64, orient: "portrait", taken: "2022-01-02T03:04:05Z", thumbType: "image/jpeg"},
		{file: "orient-6.jpg", format: "jpeg", w: 48, h: 64, orient: "portrait", taken: "2022-01-02T03:04:05Z", thumbType: "image/jpeg"},
		{file: "orient-8.jpg", format: "jpeg", w: 48, h: 64, orient: "portrait", taken: "2022-01-02T03:04:05Z", thumbType: "image/jpeg"},
		{file: "cmyk.jpg", format: "jpeg", w: 150, h: 103, orient: "landscape", thumbType: "image/jpeg"},
		{file: "alpha.png", format: "png", w: 200, h: 100, orient: "landscape", thumbType: "image/png"},
		{file: "gray16.png", format: "png", w: 120, h: 80, orient: "landscape", thumbType: "image/jpeg"},
		{file: "animated.gif", format: "gif", w: 40, h: 40, orient: "square", animated: true, thumbType: "image/jpeg"},
		{file: "photo.webp", format: "webp", w: 150, h: 100, orient: "landscape", thumbType: "image/jpeg"},
		{file: "corrupt.jpg", err: ErrCorrupt},
		{file: "truncated.jpg", err: ErrCorrupt},
		{file: "bomb.png", err: ErrTooManyPixels, infoKey: "maxMP", info: "100"},
		{file: "photo.heic", err: ErrUnsupported, infoKey: "format", info: "heic"},
		{file: "doc.pdf", err: ErrUnsupported, infoKey: "format", info: "pdf"},
		{file: "logo.svg", err: ErrUnsupported, infoKey: "format", info: "svg"},
	}
	l, _ := openLib(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, p := importOne(t, l, "ws1", tt.file, readTestdata(t, tt.file))
			if tt.err != nil {
				if len(p.Failed) != 1 || !errors.Is(p.Failed[0].Err, tt.err) {
					t.Fatalf("Import(%q) = %+v; want failure %v", tt.file, p, tt.err)
				}
				var fe *FileError
				if !errors.As(p.Failed[0].Err, &fe) || fe.Name != tt.file {
					t.Errorf("Import(%q) error %v does not name the file", tt.file, p.Failed[0].Err)
				}
				if tt.infoKey != "" {
					if got := fe.ErrorInfo()[tt.infoKey]; fmt.Sprint(got) != tt.info {
						t.Errorf("Import(%q) info %v; want %s=%s", tt.file, fe.ErrorInfo(), tt.infoKey, tt.info)
					}
				}
				return
			}
			if len(p.Failed) > 0 {
				t.Fatalf("Import(%q) failed: %v", tt.file, p.Failed[0].Err)
			}
			if a.Format != tt.format || a.Width != tt.w || a.Height != tt.h || a.Orientation() != tt.orient || a.Animated != tt.animated {
				t.Errorf("Import(%q) = %s %d×%d %s animated=%v; want %s %d×%d %s animated=%v", tt.file,
					a.Format, a.Width, a.Height, a.Orientation(), a.Animated, tt.format, tt.w, tt.h, tt.orient, tt.animated)
			}
			taken := ""
			if !a.TakenAt.IsZero() {
				taken = a.TakenAt.Format(time.RFC3339)
			}
			if taken != tt.taken {
				t.Errorf("Import(%q) taken = %q; want %q", tt.file, taken, tt.taken)
			}
			if a.ThumbType != tt.thumbType {
				t.Errorf("Import(%q) thumbnail %s; want %s", tt.file, a.ThumbType, tt.thumbType)
			}
			th := decodeBlob(t, l, a.Thumb)
			if b := th.Bounds(); max(b.Dx(), b.Dy()) > ThumbPixels || (b.Dx() > b.Dy()) != (a.Width > a.Height) {
				t.Errorf("Import(%q) thumbnail %v for %d×%d", tt.file, b, a.Width, a.Height)
			}
			orig, _ := l.readBlob(a.Blob)
			if !bytes.Equal(orig, readTestdata(t, tt.file)) {
				t.Errorf("Import(%q): stored original differs from the file (animated GIFs must stay as they are)", tt.file)
			}
		})
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func decodeBlob(t testing.TB, l *Library, hash string) image.Image {
	t.Helper()
	b, err := l.readBlob(hash)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func near(c color.Color, want color.NRGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return int(x>>8)-int(y) < 60 && int(y)-int(x>>8) < 60 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// Every EXIF orientation ends up displayed the same way: red corner top
// left, blue corner bottom right, in the thumbnail and in renditions.
func TestOrientations(t *testing.T) {
	l, _ := openLib(t)
	red, blue := color.NRGBA{230, 20, 20, 255}, color.NRGBA{20, 20, 230, 255}
	for o := 1; o <= 8; o++ {
		a, p := importOne(t, l, "ws", orientName(o), readTestdata(t, orientName(o)))
		if len(p.Failed) > 0 {
			t.Fatal(p.Failed[0].Err)
		}
		if a.Orient != o || a.Width != 48 || a.Height != 64 {
			t.Errorf("%s: orientation %d, %d×%d; want %d, 48×64", orientName(o), a.Orient, a.Width, a.Height, o)
		}
		th := decodeBlob(t, l, a.Thumb)
		b := th.Bounds()
		if !near(th.At(b.Min.X+4, b.Min.Y+4), red) || !near(th.At(b.Max.X-5, b.Max.Y-5), blue) {
			t.Errorf("%s: thumbnail corners %v, %v; want red top left, blue bottom right", orientName(o),
				th.At(b.Min.X+4, b.Min.Y+4), th.At(b.Max.X-5, b.Max.Y-5))
		}
		rs, err := l.Renditions(context.Background(), a.ID, []string{"pinterest"}, "")
		if err != nil {
			t.Fatal(err)
		}
		m := decodeBlob(t, l, rs[0].Blob)
		mb := m.Bounds()
		if !near(m.At(10, 10), red) || !near(m.At(mb.Dx()-10, mb.Dy()-10), blue) {
			t.Errorf("%s: rendition corners wrong", orientName(o))
		}
	}
}

func TestDuplicates(t *testing.T) {
	l, _ := openLib(t)
	data := readTestdata(t, "landscape.jpg")
	a, _ := importOne(t, l, "ws1", "a.jpg", data)
	b, p := importOne(t, l, "ws1", "same-bytes-other-name.jpg", data)
	if p.Duplicates != 1 || p.Imported != 0 || b.ID != a.ID {
		t.Errorf("second import = %+v; want one duplicate of %s", p, a.ID)
	}
	if p.Shared != 0 || p.SharedWith != nil {
		t.Errorf("duplicate in the same workspace reported as shared: %+v", p)
	}
	c, p := importOne(t, l, "ws2", "other-client.jpg", data)
	if p.Imported != 1 || c.ID == a.ID || c.Blob != a.Blob {
		t.Errorf("import into another workspace = %+v (blob %s vs %s); want a new record sharing the blob", p, c.Blob, a.Blob)
	}
	// The import says the bytes were already stored, and for whom.
	if p.Shared != 1 || !slices.Equal(p.SharedWith, []string{"ws1"}) {
		t.Errorf("import into another workspace: Shared %d with %q; want 1 with [ws1]", p.Shared, p.SharedWith)
	}
	// A third client: both earlier ones named, once each; a new picture in
	// the same batch is not shared.
	p, err := l.Import(context.Background(), "ws0", []File{{Name: "x.jpg", Data: data}, {Name: "new.png", Data: readTestdata(t, "focal.png")}}, nil)
	if err != nil || p.Imported != 2 || p.Shared != 1 || !slices.Equal(p.SharedWith, []string{"ws1", "ws2"}) {
		t.Errorf("third client = %+v, %v; want 2 imported, 1 shared with [ws1 ws2]", p, err)
	}
	// Same bytes many times in one batch, in parallel: one record.
	var files []File
	for i := range 12 {
		files = append(files, File{Name: "copy" + itoa(i) + ".png", Data: readTestdata(t, "alpha.png")})
	}
	p, err = l.Import(context.Background(), "ws3", files, nil)
	if err != nil || p.Imported != 1 || p.Duplicates != 11 {
		t.Errorf("batch of copies = %+v, %v; want 1 imported, 11 duplicates", p, err)
	}
	// landscape and its thumbnail, focal.png and its thumbnail, alpha.png
	// (small enough that its thumbnail is the same PNG, hence the same blob).
	if n := countBlobs(t, l); n != 5 {
		t.Errorf("%d blobs stored; want 5", n)
	}
}

func countBlobs(t testing.TB, l *Library) int {
	n := 0
	filepath.WalkDir(l.blobDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestImportFolderAndCaps(t *testing.T) {
	l, _ := openLib(t)
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub", ".hidden")
	os.MkdirAll(sub, 0o755)
	os.WriteFile(filepath.Join(dir, "a.jpg"), readTestdata(t, "portrait.jpg"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "b.png"), readTestdata(t, "alpha.png"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "notes.txt"), []byte("skip me"), 0o644)
	os.WriteFile(filepath.Join(dir, ".DS_Store"), []byte("skip me"), 0o644)
	os.WriteFile(filepath.Join(sub, "c.jpg"), readTestdata(t, "landscape.jpg"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "bad.jpg"), readTestdata(t, "truncated.jpg"), 0o644)
	// A file over the size cap, made here rather than kept in testdata.
	big := make([]byte, MaxFileBytes+1)
	copy(big, readTestdata(t, "landscape.jpg"))
	os.WriteFile(filepath.Join(dir, "huge.jpg"), big, 0o644)

	files, failed := Expand([]string{dir, filepath.Join(dir, "missing.jpg")})
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	if want := []string{"a.jpg", "b.png", "bad.jpg", "huge.jpg"}; !slices.Equal(names, want) || len(failed) != 1 {
		t.Fatalf("Expand = %v, %d failures; want %v and the missing file", names, len(failed), want)
	}
	var calls []Progress
	p, err := l.Import(context.Background(), "ws", files, func(p Progress) { calls = append(calls, p) })
	if err != nil {
		t.Fatal(err)
	}
	if p.Imported != 2 || len(p.Failed) != 2 || p.Done != 4 || len(calls) != 4 {
		t.Fatalf("Import = %+v after %d progress calls; want 2 imported, 2 failed", p, len(calls))
	}
	for _, f := range p.Failed {
		want := map[string]error{"bad.jpg": ErrCorrupt, "huge.jpg": ErrTooLarge}[f.Name]
		if !errors.Is(f.Err, want) {
			t.Errorf("failure %s = %v; want %v", f.Name, f.Err, want)
		}
	}
	if _, err := l.Import(context.Background(), "", files, nil); !errors.Is(err, ErrNoWorkspace) {
		t.Errorf("Import without workspace = %v; want ErrNoWorkspace", err)
	}
}

// A cancelled import stops early, stores only complete records whose
// blobs exist, and leaves no temporary file behind.
func TestCancelLeavesNothingHalfStored(t *testing.T) {
	l, db := openLib(t)
	var files []File
	for i := range 40 {
		m := scene(200+i, 150)
		var b bytes.Buffer
		jpeg.Encode(&b, m, nil)
		files = append(files, File{Name: "p" + itoa(i) + ".jpg", Data: b.Bytes()})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	p, err := l.Import(ctx, "ws", files, func(p Progress) {
		if p.Done >= 3 {
			once.Do(cancel)
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import = %v; want context.Canceled", err)
	}
	if p.Imported >= 40 || p.Imported < 3 {
		t.Errorf("imported %d of 40 before the cancel took effect", p.Imported)
	}
	checkConsistent(t, l, db)
}

// checkConsistent: every record's blobs exist, the in-memory index matches
// Badger, no temporary blob file is left.
func checkConsistent(t *testing.T, l *Library, db *store.Store) {
	t.Helper()
	var recs []Asset
	db.View(context.Background(), func(tx *store.Txn) error {
		return tx.Scan([]byte{TableAsset}, func(_ []byte, decode func(any) error) error {
			var a Asset
			if err := decode(&a); err != nil {
				return err
			}
			recs = append(recs, a)
			return nil
		})
	})
	for _, a := range recs {
		if !l.blobs.Has(a.Blob) || !l.blobs.Has(a.Thumb) {
			t.Errorf("record %s points at a missing blob", a.ID)
		}
	}
	page, _ := l.Search(context.Background(), Query{Limit: MaxLimit})
	if page.Total != len(recs) {
		t.Errorf("memory has %d assets, Badger %d", page.Total, len(recs))
	}
	filepath.WalkDir(l.blobDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestSearch(t *testing.T) {
	l, _ := openLib(t)
	ctx := context.Background()
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	n := 0
	l.SetClock(func() time.Time { n++; return base.Add(time.Duration(n) * time.Hour) })
	port, _ := importOne(t, l, "ws1", "Été à la plage.jpg", readTestdata(t, "portrait.jpg"))
	land, _ := importOne(t, l, "ws1", "bureau.jpg", readTestdata(t, "landscape.jpg"))
	gif, _ := importOne(t, l, "ws2", "anim.gif", readTestdata(t, "animated.gif"))
	tags := []string{"Produit", "été"}
	alt := "Une tasse de café sur la table"
	if _, err := l.Update(ctx, land.ID, Patch{Tags: &tags, Alt: &alt}); err != nil {
		t.Fatal(err)
	}
	if err := l.MarkUsed(ctx, gif.ID, "post-1", false); err != nil {
		t.Fatal(err)
	}
	ids := func(q Query) []string {
		p, err := l.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", q, err)
		}
		var out []string
		for _, a := range p.Assets {
			out = append(out, a.Name)
		}
		return out
	}
	tests := []struct {
		q    Query
		want []string
	}{
		{Query{}, []string{"anim.gif", "bureau.jpg", "Été à la plage.jpg"}},
		{Query{Workspace: "ws1"}, []string{"bureau.jpg", "Été à la plage.jpg"}},
		{Query{Text: "ETE"}, []string{"bureau.jpg", "Été à la plage.jpg"}}, // tag and name, accents folded
		{Query{Text: "CAFÉ table"}, []string{"bureau.jpg"}},                // alt text, every word
		{Query{Tags: []string{"produit"}}, []string{"bureau.jpg"}},
		{Query{Orientation: "portrait"}, []string{"Été à la plage.jpg"}},
		{Query{Orientation: "square"}, []string{"anim.gif"}},
		{Query{SizeClass: "small"}, []string{"anim.gif", "bureau.jpg", "Été à la plage.jpg"}},
		{Query{SizeClass: "large"}, nil},
		{Query{Used: "used"}, []string{"anim.gif"}},
		{Query{Used: "unused", Workspace: "ws1"}, []string{"bureau.jpg", "Été à la plage.jpg"}},
		// Dates: taken if known (2024-06-01, 2023-12-24), else imported (2025-03-01).
		{Query{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"anim.gif", "Été à la plage.jpg"}},
		{Query{To: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"bureau.jpg"}},
		{Query{Offset: 1, Limit: 1}, []string{"bureau.jpg"}},
	}
	for _, tt := range tests {
		if got := ids(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%+v) = %q; want %q", tt.q, got, tt.want)
		}
	}
	if p, _ := l.Search(ctx, Query{Offset: 1, Limit: 1}); p.Total != 3 {
		t.Errorf("paged total = %d; want 3", p.Total)
	}
	if _, err := l.Search(ctx, Query{Orientation: "diagonal"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad orientation = %v; want ErrInvalid", err)
	}
	_ = port
}

func TestTagsBulkDeleteGC(t *testing.T) {
	l, db := openLib(t)
	ctx := context.Background()
	a, _ := importOne(t, l, "ws", "a.jpg", readTestdata(t, "portrait.jpg"))
	b, _ := importOne(t, l, "ws", "b.png", readTestdata(t, "alpha.png"))
	c, _ := importOne(t, l, "other", "c.jpg", readTestdata(t, "portrait.jpg")) // shares a's blob
	if err := l.BulkTag(ctx, []string{a.ID, b.ID}, []string{"Noël", "vitrine", "noel"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.BulkTag(ctx, []string{b.ID}, nil, []string{"VITRINE"}); err != nil {
		t.Fatal(err)
	}
	tags, err := l.Tags(ctx, "ws")
	if err != nil {
		t.Fatal(err)
	}
	if want := []TagCount{{"Noël", 2}, {"vitrine", 1}}; !slices.Equal(tags, want) {
		t.Errorf("Tags = %v; want %v", tags, want)
	}
	if err := l.BulkTag(ctx, []string{"nope"}, []string{"x"}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("BulkTag(unknown) = %v; want ErrNotFound", err)
	}
	// Renditions of b, then delete: used by a scheduled post → refused.
	rs, err := l.Renditions(ctx, b.ID, []string{"bluesky", "instagram-square"}, "#112233")
	if err != nil {
		t.Fatal(err)
	}
	bBlobs := map[string]bool{b.Blob: true, b.Thumb: true, rs[0].Blob: true, rs[1].Blob: true}
	l.MarkUsed(ctx, b.ID, "post-42", true)
	l.MarkUsed(ctx, a.ID, "post-7", false)
	err = l.Delete(ctx, []string{a.ID, b.ID}, false)
	var iu *InUseError
	if !errors.As(err, &iu) || !errors.Is(err, ErrInUse) || !slices.Equal(iu.Posts, []string{"post-42"}) {
		t.Fatalf("Delete(in use) = %v; want ErrInUse naming post-42", err)
	}
	if _, err := l.Get(ctx, a.ID); err != nil {
		t.Errorf("refused delete removed %s", a.ID)
	}
	before := countBlobs(t, l)
	if gc, err := l.CollectGarbage(ctx); err != nil || gc.Removed != 0 {
		t.Errorf("GC with everything in use = %+v, %v; want nothing removed", gc, err)
	}
	if err := l.Delete(ctx, []string{a.ID, b.ID}, true); err != nil {
		t.Fatal(err)
	}
	if used, _ := l.AssetsOf(ctx, "post-42"); len(used) != 0 {
		t.Errorf("usage of deleted asset kept: %v", used)
	}
	gc, err := l.CollectGarbage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// b's original, thumbnail and two renditions go; a's blobs stay
	// (c has the same bytes, so the same original and thumbnail).
	if gc.Removed != len(bBlobs) || countBlobs(t, l) != before-len(bBlobs) {
		t.Errorf("GC = %+v (blobs %d → %d); want %d removed", gc, before, countBlobs(t, l), len(bBlobs))
	}
	if !l.blobs.Has(c.Blob) || !l.blobs.Has(c.Thumb) {
		t.Error("GC removed a blob still used")
	}
	var left int
	db.View(ctx, func(tx *store.Txn) error {
		return tx.ScanKeys([]byte{TableRendition}, func([]byte) error { left++; return nil })
	})
	if left != 0 {
		t.Errorf("%d rendition records of a deleted source left", left)
	}
	// Roots keep blobs other packages use.
	hash, _, _, _ := l.blobs.Put(ctx, bytes.NewReader([]byte("a logo")), 0)
	if _, err := l.CollectGarbage(ctx, func(context.Context) ([]string, error) { return []string{hash}, nil }); err != nil || !l.blobs.Has(hash) {
		t.Errorf("GC removed a root blob (%v)", err)
	}
	checkConsistent(t, l, db)
	// Deleting a workspace deletes its visuals only.
	d, _ := importOne(t, l, "other", "d.png", readTestdata(t, "gray16.png"))
	if err := l.DeleteWorkspace(ctx, "ws"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, d.ID); err != nil {
		t.Errorf("DeleteWorkspace(ws) removed another workspace's visual")
	}
	// Reopening rebuilds the same state from Badger.
	l2, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l2.Get(ctx, c.ID); got.Name != "c.jpg" {
		t.Errorf("reopened library lost %s", c.ID)
	}
}

func TestUpdateValidation(t *testing.T) {
	l, _ := openLib(t)
	ctx := context.Background()
	a, _ := importOne(t, l, "ws", "a.jpg", readTestdata(t, "portrait.jpg"))
	bad := 1.5
	if _, err := l.Update(ctx, a.ID, Patch{FocalX: &bad}); !errors.Is(err, ErrInvalid) {
		t.Errorf("focal 1.5 = %v; want ErrInvalid", err)
	}
	long := []string{strings.Repeat("x", MaxTagLen+1)}
	if _, err := l.Update(ctx, a.ID, Patch{Tags: &long}); !errors.Is(err, ErrInvalid) {
		t.Errorf("long tag = %v; want ErrInvalid", err)
	}
	if _, err := l.Update(ctx, "nope", Patch{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id = %v; want ErrNotFound", err)
	}
	fx, fy := 0.25, 0.75
	got, err := l.Update(ctx, a.ID, Patch{FocalX: &fx, FocalY: &fy})
	if err != nil || got.FocalX != 0.25 || got.FocalY != 0.75 {
		t.Errorf("Update focal = %+v, %v", got, err)
	}
}

func TestThumbnailKeepsAlpha(t *testing.T) {
	l, _ := openLib(t)
	a, _ := importOne(t, l, "ws", "alpha.png", readTestdata(t, "alpha.png"))
	b, _ := l.readBlob(a.Thumb)
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, al := m.At(0, 0).RGBA(); al != 0 {
		t.Errorf("thumbnail corner alpha = %d; want transparent", al)
	}
}

package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/backend/workspace"
)

// eventLog records events; wait returns the first payload of name for
// which ok is true.
type eventLog struct {
	mu  sync.Mutex
	evs []struct {
		name string
		data []any
	}
}

func (l *eventLog) emit(name string, data ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, struct {
		name string
		data []any
	}{name, data})
}

func (l *eventLog) waitImport(t *testing.T, id string) ImportProgress {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		for _, e := range l.evs {
			if len(e.data) == 0 {
				continue
			}
			if p, ok := e.data[0].(ImportProgress); ok && e.name == "library:import-progress" && p.ImportID == id && p.Finished {
				l.mu.Unlock()
				return p
			}
		}
		l.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("import %s did not finish", id)
	return ImportProgress{}
}

func libTestApp(t *testing.T) (*App, *eventLog, string) {
	t.Helper()
	a := New(nil)
	log := &eventLog{}
	a.events = log.emit
	a.ctx = context.Background()
	if err := a.open(context.Background(), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	ws, err := a.Workspaces.Create(workspace.Settings{Name: "Boulangerie Fournil"})
	if err != nil {
		t.Fatal(err)
	}
	return a, log, ws.ID
}

func testJPEG(t testing.TB, w, h int, c color.RGBA) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLibraryFacade(t *testing.T) {
	a, log, ws := libTestApp(t)
	f := a.Library
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "vitrine.jpg"), testJPEG(t, 640, 480, color.RGBA{200, 100, 50, 255}), 0o644)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "pain.jpg"), testJPEG(t, 300, 500, color.RGBA{40, 100, 200, 255}), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "broken.png"), []byte("\x89PNG\r\n\x1a\nbroken"), 0o644)

	id, err := f.ImportPaths(ws, []string{dir})
	if err != nil || id == "" {
		t.Fatalf("ImportPaths = %q, %v", id, err)
	}
	p := log.waitImport(t, id)
	if p.Total != 3 || p.Done != 3 || p.Imported != 2 || len(p.Failed) != 1 || p.Cancelled {
		t.Fatalf("progress = %+v; want 2 imported, 1 failed", p)
	}
	if fl := p.Failed[0]; fl.Name != "broken.png" || fl.Code != "library.corrupt" || fl.Info["name"] != "broken.png" {
		t.Errorf("failure = %+v", fl)
	}
	// The same bytes pasted again: a duplicate.
	pasted := FileData{Name: "coller.jpg", Data: base64.StdEncoding.EncodeToString(testJPEG(t, 640, 480, color.RGBA{200, 100, 50, 255}))}
	id, _ = f.ImportFiles(ws, []FileData{pasted, {Name: "bad", Data: "@@@"}})
	if p := log.waitImport(t, id); p.Duplicates != 1 || p.Imported != 0 || len(p.Failed) != 1 || p.Failed[0].Code != "app.badFile" {
		t.Errorf("paste progress = %+v; want one duplicate and one bad file", p)
	}
	// The same bytes for another client: a new visual, the file stored
	// once, and the import says whose library already had it.
	other, err := a.Workspaces.Create(workspace.Settings{Name: "Fromagerie Lait Cru"})
	if err != nil {
		t.Fatal(err)
	}
	id, _ = f.ImportFiles(other.ID, []FileData{pasted})
	if p := log.waitImport(t, id); p.Imported != 1 || p.Duplicates != 0 || p.Shared != 1 || len(p.SharedWith) != 1 || p.SharedWith[0] != "Boulangerie Fournil" {
		t.Errorf("import for another client = %+v; want 1 imported, shared with Boulangerie Fournil", p)
	}
	if _, err := f.ImportPaths("no-such-workspace", []string{dir}); toUIError(err).Code != "workspace.notFound" {
		t.Errorf("import into unknown workspace = %v", err)
	}

	page, err := f.Search(LibraryQuery{WorkspaceID: ws, Orientation: "portrait"})
	if err != nil || page.Total != 1 || page.Assets[0].Name != "pain.jpg" {
		t.Fatalf("Search portrait = %+v, %v", page, err)
	}
	pain := page.Assets[0]
	if pain.Thumb != "/library/thumb/"+pain.ID || pain.Width != 300 || pain.Height != 500 || pain.FocalX != 0.5 || pain.UsedBy == nil || pain.Tags == nil {
		t.Errorf("asset DTO = %+v", pain)
	}
	if _, err := f.Search(LibraryQuery{From: "yesterday"}); toUIError(err).Code != "library.invalid" {
		t.Errorf("bad date = %v", err)
	}
	tagList, alt, fy := []string{"pain", "Boulangerie"}, "Une baguette", 0.2
	got, err := f.Update(pain.ID, AssetPatch{Tags: &tagList, Alt: &alt})
	if err != nil || got.Alt != "Une baguette" || len(got.Tags) != 2 {
		t.Fatalf("Update = %+v, %v", got, err)
	}
	// Only the focal point: tags and alt text stay.
	got, err = f.Update(pain.ID, AssetPatch{FocalY: &fy})
	if err != nil || got.FocalY != 0.2 || got.FocalX != 0.5 || len(got.Tags) != 2 || got.Alt != "Une baguette" {
		t.Fatalf("Update(focal only) = %+v, %v", got, err)
	}
	if err := f.BulkTag([]string{pain.ID}, []string{"vitrine"}, []string{"pain"}); err != nil {
		t.Fatal(err)
	}
	tags, _ := f.Tags(ws)
	if len(tags) != 2 {
		t.Errorf("Tags = %+v", tags)
	}

	// Renditions and the asset handler.
	rs, err := f.Renditions(pain.ID, "")
	if err != nil || len(rs) != len(f.Presets()) {
		t.Fatalf("Renditions = %d, %v", len(rs), err)
	}
	h := a.AssetHandler()
	get := func(url string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		return rec
	}
	for _, tt := range []struct {
		url, ctype string
		w, h       int
	}{
		{pain.Thumb, "image/jpeg", 192, 320},
		{pain.Preview, "image/jpeg", 300, 500},
		{rs[0].URL, "image/jpeg", rs[0].Width, rs[0].Height},
		{"/library/rendition/" + pain.ID + "/x", "image/jpeg", 1200, 675}, // no key: made on demand
	} {
		rec := get(tt.url)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s = %d %s", tt.url, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		cfg, _, err := image.DecodeConfig(rec.Body)
		if err != nil || cfg.Width != tt.w || cfg.Height != tt.h {
			t.Errorf("GET %s = %d×%d (%v); want %d×%d", tt.url, cfg.Width, cfg.Height, err, tt.w, tt.h)
		}
	}
	if cc := get(rs[0].URL).Header().Get("Cache-Control"); cc != "private, max-age=31536000, immutable" {
		t.Errorf("rendition Cache-Control = %q", cc)
	}
	if rec := get("/library/thumb/nope"); rec.Code != 404 {
		t.Errorf("unknown thumb = %d", rec.Code)
	}
	r, err := f.SetCrop(pain.ID, "instagram-square", &CropRect{X: 0, Y: 100, W: 300, H: 300}, "")
	if err != nil || !r.Manual || r.Crop != (CropRect{0, 100, 300, 300}) || r.URL == rs[1].URL {
		t.Errorf("SetCrop = %+v, %v", r, err)
	}
	r, err = f.SetCrop(pain.ID, "instagram-square", nil, "")
	if err != nil || r.Manual {
		t.Errorf("SetCrop(nil) = %+v, %v", r, err)
	}

	// Export: dialog cancelled, then a folder.
	f.pickFolder = func() (string, error) { return "", nil }
	if res, err := f.Export([]string{pain.ID}, nil, "", ""); err != nil || res.Folder != "" {
		t.Errorf("cancelled export = %+v, %v", res, err)
	}
	out := t.TempDir()
	res, err := f.Export([]string{pain.ID}, []string{"x", "linkedin"}, out, "")
	if err != nil || res.Files != 2 || res.Folder != out {
		t.Errorf("Export = %+v, %v", res, err)
	}

	// Delete refused while a scheduled post uses the visual.
	lib, _ := a.librarySvc()
	lib.MarkUsed(context.Background(), pain.ID, "post-9", true)
	err = f.Delete([]string{pain.ID}, false)
	ue := toUIError(err)
	if ue.Code != "library.inUse" || len(ue.Info["posts"].([]string)) != 1 {
		t.Errorf("Delete(in use) = %+v", ue)
	}
	if got, _ := f.Get(pain.ID); len(got.UsedBy) != 1 || got.UsedBy[0] != "post-9" {
		t.Errorf("usedBy = %v", got.UsedBy)
	}
	if err := f.Delete([]string{pain.ID}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(pain.ID); toUIError(err).Code != "library.notFound" {
		t.Errorf("Get(deleted) = %v", err)
	}
	lib.SetGCGrace(0)
	gc, err := f.CollectGarbage()
	if err != nil || gc.Removed == 0 {
		t.Errorf("CollectGarbage = %+v, %v", gc, err)
	}
	if err := f.CancelImport("nope"); toUIError(err).Code != "library.importNotFound" {
		t.Errorf("CancelImport(unknown) = %v", err)
	}
	b, _ := json.Marshal(page)
	if !bytes.Contains(b, []byte(`"workspaceId"`)) || !bytes.Contains(b, []byte(`"takenAt"`)) {
		t.Errorf("JSON lacks contract fields: %s", b)
	}
}

func TestLibraryLogoSurvivesGC(t *testing.T) {
	a, _, ws := libTestApp(t)
	var b bytes.Buffer
	png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 20, 20)))
	w, err := a.Workspaces.SetLogo(ws, "logo.png", base64.StdEncoding.EncodeToString(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	lib, _ := a.librarySvc()
	lib.SetGCGrace(0)
	if _, err := a.Library.CollectGarbage(); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Workspaces.Get(w.ID); err != nil || got.Logo == nil {
		t.Fatalf("logo lost: %v", err)
	}
	wsSvc, _, db, _ := a.services()
	full, _ := wsSvc.Get(context.Background(), ws)
	if _, err := os.Stat(filepath.Join(db.BlobDir(), full.Logo.Blob[:2], full.Logo.Blob[2:])); err != nil {
		t.Errorf("GC removed the workspace logo's blob: %v", err)
	}
}

func TestPickAndImportCancelled(t *testing.T) {
	a, _, ws := libTestApp(t)
	a.Library.pickFiles = func() ([]string, error) { return nil, nil }
	if id, err := a.Library.PickAndImport(ws); id != "" || err != nil {
		t.Errorf("PickAndImport(cancelled) = %q, %v", id, err)
	}
}

// callLibrary calls every Library method for TestNoSecretCrossesTheSeam.
func callLibrary(t *testing.T, a *App, ws string, call func(string) func(any, error), none func(string, error)) {
	t.Helper()
	log := &eventLog{}
	prev := a.events
	a.mu.Lock()
	// One event at a time reaches the secrets test's recorder (imports
	// emit from their own goroutines); the wrapper stays installed.
	var mu sync.Mutex
	a.events = func(name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		log.emit(name, data...)
		prev(name, data...)
	}
	a.mu.Unlock()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.jpg"), testJPEG(t, 64, 48, color.RGBA{1, 2, 3, 255}), 0o644)
	a.Library.pickFiles = func() ([]string, error) { return []string{filepath.Join(dir, "a.jpg")}, nil }
	id, err := a.Library.PickAndImport(ws)
	call("Library.PickAndImport")(id, err)
	if err == nil {
		log.waitImport(t, id)
	}
	id, err = a.Library.ImportPaths(ws, []string{dir})
	call("Library.ImportPaths")(id, err)
	if err == nil {
		log.waitImport(t, id)
	}
	id, err = a.Library.ImportFiles(ws, []FileData{{Name: "b.jpg", Data: base64.StdEncoding.EncodeToString(testJPEG(t, 32, 32, color.RGBA{9, 9, 9, 255}))}})
	call("Library.ImportFiles")(id, err)
	if err == nil {
		log.waitImport(t, id)
	}
	none("Library.CancelImport", a.Library.CancelImport("nope"))
	page, err := a.Library.Search(LibraryQuery{})
	call("Library.Search")(page, err)
	if len(page.Assets) == 0 {
		t.Fatal("library import failed in the secrets test")
	}
	asset := page.Assets[0].ID
	call("Library.Get")(a.Library.Get(asset))
	call("Library.Update")(a.Library.Update(asset, AssetPatch{Tags: &[]string{"t"}}))
	none("Library.BulkTag", a.Library.BulkTag([]string{asset}, []string{"u"}, nil))
	call("Library.Tags")(a.Library.Tags(ws))
	call("Library.Presets")(a.Library.Presets(), nil)
	call("Library.Renditions")(a.Library.Renditions(asset, "#ffffff"))
	call("Library.SetCrop")(a.Library.SetCrop(asset, "x", nil, ""))
	call("Library.Export")(a.Library.Export([]string{asset}, []string{"x"}, t.TempDir(), ""))
	none("Library.Delete", a.Library.Delete([]string{asset}, true))
	call("Library.CollectGarbage")(a.Library.CollectGarbage())
}

// Deleting a client deletes its visuals (after the backup the workspace
// service takes), not another client's.
func TestDeletedWorkspaceLosesItsVisuals(t *testing.T) {
	a, log, ws := libTestApp(t)
	other, err := a.Workspaces.Create(workspace.Settings{Name: "Fromagerie"})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{ws, other.ID} {
		id, err := a.Library.ImportFiles(w, []FileData{{Name: "x.jpg", Data: base64.StdEncoding.EncodeToString(testJPEG(t, 40, 30, color.RGBA{5, 6, 7, 255}))}})
		if err != nil {
			t.Fatal(err)
		}
		log.waitImport(t, id)
	}
	if _, err := a.Workspaces.Delete(ws, "Boulangerie Fournil"); err != nil {
		t.Fatal(err)
	}
	page, _ := a.Library.Search(LibraryQuery{})
	if page.Total != 1 || page.Assets[0].WorkspaceID != other.ID {
		t.Errorf("after deleting a client, the library holds %+v", page.Assets)
	}
}

// A transparent logo previewed on the brand colour is exported, and shown
// after a crop, on that colour, not on white.
func TestLibraryExportAndCropKeepPreviewBackground(t *testing.T) {
	a, log, ws := libTestApp(t)
	f := a.Library
	// 400×200, transparent but for an opaque red square in the middle.
	m := image.NewNRGBA(image.Rect(0, 0, 400, 200))
	for y := 80; y < 120; y++ {
		for x := 180; x < 220; x++ {
			m.SetNRGBA(x, y, color.NRGBA{220, 0, 0, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	id, err := f.ImportFiles(ws, []FileData{{Name: "logo.png", Data: base64.StdEncoding.EncodeToString(b.Bytes())}})
	if err != nil {
		t.Fatal(err)
	}
	if p := log.waitImport(t, id); p.Imported != 1 {
		t.Fatalf("import = %+v", p)
	}
	page, _ := f.Search(LibraryQuery{WorkspaceID: ws})
	logo := page.Assets[0]
	const brand = "#2040c0"
	want := color.NRGBA{0x20, 0x40, 0xc0, 255}
	corner := func(t *testing.T, what string, data []byte) {
		t.Helper()
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		r, g, bl, _ := img.At(3, 3).RGBA()
		got := color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
		if d := max(absDiff(got.R, want.R), absDiff(got.G, want.G), absDiff(got.B, want.B)); d > 8 {
			t.Errorf("%s: transparent corner is %v; want the brand colour %v", what, got, want)
		}
	}
	preview, err := f.Renditions(logo.ID, brand)
	if err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	res, err := f.Export([]string{logo.ID}, []string{"x"}, out, brand)
	if err != nil || res.Files != 1 {
		t.Fatalf("Export = %+v, %v", res, err)
	}
	data, err := os.ReadFile(filepath.Join(out, "logo-x.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	corner(t, "exported file", data)

	// The crop's reply is the rendition on the same background: its URL
	// carries the colour and serves brand-coloured pixels.
	r, err := f.SetCrop(logo.ID, "instagram-square", &CropRect{X: 0, Y: 0, W: 200, H: 200}, brand)
	if err != nil {
		t.Fatal(err)
	}
	var before string
	for _, p := range preview {
		if p.PresetID == "instagram-square" {
			before = p.URL
		}
	}
	if r.URL == before || !strings.Contains(r.URL, "bg=2040c0") {
		t.Errorf("crop reply URL %q; want a new URL on the brand colour (preview was %q)", r.URL, before)
	}
	rec := httptest.NewRecorder()
	a.AssetHandler().ServeHTTP(rec, httptest.NewRequest("GET", r.URL, nil))
	if rec.Code != 200 {
		t.Fatalf("GET %s = %d", r.URL, rec.Code)
	}
	corner(t, "cropped rendition", rec.Body.Bytes())
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

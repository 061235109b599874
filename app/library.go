package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"relais/backend/library"
	"relais/backend/rendition"
)

// Library is the bound facade for the visual library.
type Library struct {
	a *App

	mu      sync.Mutex
	imports map[string]context.CancelFunc // running imports by id

	// pickFiles and pickFolder replace the native dialogs in tests.
	pickFiles  func() ([]string, error)
	pickFolder func() (string, error)
}

// devFolderDialog replaces the native folder dialog of Export in dev
// builds that ask for it (devfolder_dev.go); nil otherwise.
var devFolderDialog func() (string, error)

// errImportNotFound is returned by CancelImport for an unknown import id.
var errImportNotFound = errors.New("app: no such import")

// Asset is a visual as the UI sees it.
type Asset struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspaceId"`
	Name        string   `json:"name"`
	Format      string   `json:"format"`
	Width       int      `json:"width"`
	Height      int      `json:"height"`
	Bytes       int64    `json:"bytes"`
	TakenAt     string   `json:"takenAt"` // RFC 3339 or ""
	ImportedAt  string   `json:"importedAt"`
	Tags        []string `json:"tags"`
	Alt         string   `json:"alt"`
	FocalX      float64  `json:"focalX"`
	FocalY      float64  `json:"focalY"`
	UsedBy      []string `json:"usedBy"` // post ids
	Animated    bool     `json:"animated"`
	Orientation string   `json:"orientation"` // portrait, landscape, square
	Thumb       string   `json:"thumb"`       // URL served by the asset handler
	Preview     string   `json:"preview"`     // URL of the original picture
}

func toAsset(a library.Asset) Asset {
	d := Asset{ID: a.ID, WorkspaceID: a.Workspace, Name: a.Name, Format: a.Format, Width: a.Width, Height: a.Height,
		Bytes: a.Bytes, ImportedAt: a.ImportedAt.UTC().Format(rfc3339), Tags: a.Tags, Alt: a.Alt,
		FocalX: a.FocalX, FocalY: a.FocalY, UsedBy: []string{}, Animated: a.Animated, Orientation: a.Orientation(),
		Thumb: "/library/thumb/" + a.ID, Preview: "/library/original/" + a.ID}
	if !a.TakenAt.IsZero() {
		d.TakenAt = a.TakenAt.UTC().Format(rfc3339)
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	for _, u := range a.UsedBy {
		d.UsedBy = append(d.UsedBy, u.Post)
	}
	return d
}

// FileData is a file the webview read itself (pasted, or picked in a
// browser), its content in base64.
type FileData struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// ImportProgress is the payload of the library:import-progress event.
type ImportProgress struct {
	ImportID   string `json:"importId"`
	Total      int    `json:"total"`
	Done       int    `json:"done"`
	Imported   int    `json:"imported"`
	Duplicates int    `json:"duplicates"`
	// Shared counts the visuals added whose file another client's library
	// already had (stored once); SharedWith names those clients.
	Shared     int             `json:"shared"`
	SharedWith []string        `json:"sharedWith"`
	Failed     []ImportFailure `json:"failed"`
	Finished   bool            `json:"finished"`
	Cancelled  bool            `json:"cancelled"`
}

// ImportFailure is a refused file: its name, the error code and what the
// sentence shows.
type ImportFailure struct {
	Name string         `json:"name"`
	Code string         `json:"code"`
	Info map[string]any `json:"info"`
}

// LibraryQuery filters the library (see library.Query).
type LibraryQuery struct {
	WorkspaceID string   `json:"workspaceId"` // "" = every workspace
	Text        string   `json:"text"`
	Tags        []string `json:"tags"`
	Orientation string   `json:"orientation"`
	SizeClass   string   `json:"sizeClass"`
	From        string   `json:"from"` // RFC 3339 or ""
	To          string   `json:"to"`
	Used        string   `json:"used"` // any, used, unused
	Offset      int      `json:"offset"`
	Limit       int      `json:"limit"`
}

// LibraryPage is one page of search results.
type LibraryPage struct {
	Total  int     `json:"total"`
	Assets []Asset `json:"assets"`
}

// AssetPatch is what the UI edits on a visual; a field left out (null)
// is left as it is.
type AssetPatch struct {
	Tags   *[]string `json:"tags,omitempty"`
	Alt    *string   `json:"alt,omitempty"`
	FocalX *float64  `json:"focalX,omitempty"`
	FocalY *float64  `json:"focalY,omitempty"`
}

// LibraryGC is what a garbage collection removed.
type LibraryGC struct {
	Removed int   `json:"removed"`
	Bytes   int64 `json:"bytes"`
}

// CropRect is a crop in the source picture's pixels (orientation applied).
type CropRect struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Rendition is one preset's image of a visual.
type Rendition struct {
	PresetID string   `json:"presetId"`
	URL      string   `json:"url"`
	Width    int      `json:"width"`
	Height   int      `json:"height"`
	Bytes    int64    `json:"bytes"`
	Crop     CropRect `json:"crop"`
	Manual   bool     `json:"manual"`
}

// ExportResult says where renditions were written; Folder is "" when the
// user cancelled the folder dialog.
type ExportResult struct {
	Folder string `json:"folder"`
	Files  int    `json:"files"`
}

func toRendition(assetID, background string, r library.Rendition) Rendition {
	u := "/library/rendition/" + assetID + "/" + r.Preset + "?v=" + r.Key
	if background != "" {
		u += "&bg=" + strings.TrimPrefix(background, "#")
	}
	return Rendition{PresetID: r.Preset, URL: u, Width: r.Width, Height: r.Height, Bytes: r.Bytes,
		Crop: CropRect(r.Crop), Manual: r.Manual}
}

func (a *App) librarySvc() (*library.Library, error) {
	if _, _, _, err := a.services(); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.library == nil {
		return nil, errNotReady
	}
	return a.library, nil
}

// ctx is the context bound methods run under.
func (f *Library) ctx() context.Context { return f.a.ctxOrBackground() }

// checkWorkspace makes sure the workspace exists before an import starts.
func (f *Library) checkWorkspace(id string) error {
	ws, _, _, err := f.a.services()
	if err != nil {
		return err
	}
	_, err = ws.Get(f.ctx(), id)
	return err
}

// ImportPaths imports files and whole folders (dropped on the window or
// picked) into a workspace in the background and returns the import's id;
// library:import-progress events report it.
func (f *Library) ImportPaths(workspaceID string, paths []string) (string, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return "", err
	}
	if err := f.checkWorkspace(workspaceID); err != nil {
		return "", err
	}
	files, failed := library.Expand(paths)
	return f.start(lib, workspaceID, files, failed), nil
}

// ImportFiles imports files the webview read (pasted, or picked in a
// browser), like ImportPaths.
func (f *Library) ImportFiles(workspaceID string, files []FileData) (string, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return "", err
	}
	if err := f.checkWorkspace(workspaceID); err != nil {
		return "", err
	}
	var in []library.File
	var failed []library.Failure
	for _, fd := range files {
		data, err := base64.StdEncoding.DecodeString(fd.Data)
		if err != nil {
			failed = append(failed, library.Failure{Name: fd.Name, Err: &library.FileError{Name: fd.Name, Err: errBadBase64}})
			continue
		}
		in = append(in, library.File{Name: fd.Name, Data: data})
	}
	return f.start(lib, workspaceID, in, failed), nil
}

// PickAndImport opens the system's file dialog and imports what the user
// picks; it returns "" when the dialog is cancelled.
func (f *Library) PickAndImport(workspaceID string) (string, error) {
	if err := f.checkWorkspace(workspaceID); err != nil {
		return "", err
	}
	pick := f.pickFiles
	if pick == nil {
		pick = func() ([]string, error) {
			return runtime.OpenMultipleFilesDialog(f.a.context(), runtime.OpenDialogOptions{
				Title: "Relais",
				Filters: []runtime.FileFilter{{DisplayName: "Images (JPEG, PNG, GIF, WebP)",
					Pattern: "*.jpg;*.jpeg;*.png;*.gif;*.webp;*.JPG;*.JPEG;*.PNG;*.GIF;*.WEBP"}},
			})
		}
	}
	paths, err := pick()
	if err != nil || len(paths) == 0 {
		return "", err
	}
	return f.ImportPaths(workspaceID, paths)
}

// CancelImport stops a running import; what it had stored stays.
func (f *Library) CancelImport(importID string) error {
	f.mu.Lock()
	cancel := f.imports[importID]
	f.mu.Unlock()
	if cancel == nil {
		return errImportNotFound
	}
	cancel()
	return nil
}

// progressEvery spaces progress events of a large import.
const progressEvery = 100 * time.Millisecond

func (f *Library) start(lib *library.Library, workspaceID string, files []library.File, failed []library.Failure) string {
	id := uuid.NewString()
	ctx, cancel := context.WithCancel(f.ctx())
	f.mu.Lock()
	if f.imports == nil {
		f.imports = map[string]context.CancelFunc{}
	}
	f.imports[id] = cancel
	f.mu.Unlock()
	pre := make([]ImportFailure, 0, len(failed))
	for _, fl := range failed {
		pre = append(pre, toFailure(fl))
	}
	total := len(files) + len(failed)
	names := map[string]string{} // workspace id → name, asked once (emit never runs concurrently)
	emit := func(p library.Progress, finished, cancelled bool) {
		ev := ImportProgress{ImportID: id, Total: total, Done: p.Done + len(failed), Imported: p.Imported,
			Duplicates: p.Duplicates, Shared: p.Shared, SharedWith: f.clientNames(names, p.SharedWith),
			Failed: append([]ImportFailure{}, pre...), Finished: finished, Cancelled: cancelled}
		for _, fl := range p.Failed {
			ev.Failed = append(ev.Failed, toFailure(fl))
		}
		f.a.emit("library:import-progress", ev)
	}
	go func() {
		defer func() {
			cancel()
			f.mu.Lock()
			delete(f.imports, id)
			f.mu.Unlock()
		}()
		emit(library.Progress{}, false, false)
		last := time.Now()
		final, err := lib.Import(ctx, workspaceID, files, func(p library.Progress) {
			if time.Since(last) >= progressEvery {
				last = time.Now()
				emit(p, false, false)
			}
		})
		cancelled := errors.Is(err, context.Canceled)
		if err != nil && !cancelled {
			f.a.log.Error("import failed", "err", err)
		}
		// library:changed first: the finished event is the import's last.
		if final.Imported > 0 {
			f.a.emit("library:changed", workspaceID)
		}
		emit(final, true, cancelled)
	}()
	return id
}

// clientNames turns workspace ids into the clients' names, remembered in
// cache; a workspace deleted meanwhile is left out.
func (f *Library) clientNames(cache map[string]string, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		name, ok := cache[id]
		if !ok {
			if ws, _, _, err := f.a.services(); err == nil {
				if w, err := ws.Get(f.ctx(), id); err == nil {
					name = w.Name
				}
			}
			cache[id] = name
		}
		if name != "" {
			out = append(out, name)
		}
	}
	return out
}

func toFailure(fl library.Failure) ImportFailure {
	ue := toUIError(fl.Err)
	info := ue.Info
	if info == nil {
		info = map[string]any{}
	}
	info["name"] = fl.Name
	return ImportFailure{Name: fl.Name, Code: ue.Code, Info: info}
}

// Search finds visuals; see LibraryQuery.
func (f *Library) Search(q LibraryQuery) (LibraryPage, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return LibraryPage{}, err
	}
	lq := library.Query{Workspace: q.WorkspaceID, Text: q.Text, Tags: q.Tags, Orientation: q.Orientation,
		SizeClass: q.SizeClass, Used: q.Used, Offset: q.Offset, Limit: q.Limit}
	for _, d := range []struct {
		s string
		t *time.Time
	}{{q.From, &lq.From}, {q.To, &lq.To}} {
		if d.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, d.s)
		if err != nil {
			return LibraryPage{}, fmt.Errorf("%w: date %q", library.ErrInvalid, d.s)
		}
		*d.t = t
	}
	p, err := lib.Search(f.ctx(), lq)
	if err != nil {
		return LibraryPage{}, err
	}
	out := LibraryPage{Total: p.Total, Assets: make([]Asset, len(p.Assets))}
	for i, a := range p.Assets {
		out.Assets[i] = toAsset(a)
	}
	return out, nil
}

// Get returns one visual.
func (f *Library) Get(id string) (Asset, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return Asset{}, err
	}
	a, err := lib.Get(f.ctx(), id)
	if err != nil {
		return Asset{}, err
	}
	return toAsset(a), nil
}

// Update saves a visual's tags, alt text and focal point.
func (f *Library) Update(id string, p AssetPatch) (Asset, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return Asset{}, err
	}
	a, err := lib.Update(f.ctx(), id, library.Patch{Tags: p.Tags, Alt: p.Alt, FocalX: p.FocalX, FocalY: p.FocalY})
	if err != nil {
		return Asset{}, err
	}
	f.a.emit("library:changed", a.Workspace)
	return toAsset(a), nil
}

// BulkTag adds and removes tags on several visuals at once.
func (f *Library) BulkTag(ids []string, add []string, remove []string) error {
	lib, err := f.a.librarySvc()
	if err != nil {
		return err
	}
	if err := lib.BulkTag(f.ctx(), ids, add, remove); err != nil {
		return err
	}
	f.a.emit("library:changed", "")
	return nil
}

// Delete removes visuals. Without confirm, a visual used by a scheduled
// post is refused with library.inUse naming the posts.
func (f *Library) Delete(ids []string, confirm bool) error {
	lib, err := f.a.librarySvc()
	if err != nil {
		return err
	}
	if err := lib.Delete(f.ctx(), ids, confirm); err != nil {
		return err
	}
	f.a.emit("library:changed", "")
	return nil
}

// Tags lists a workspace's tags ("" = all) with their counts.
func (f *Library) Tags(workspaceID string) ([]library.TagCount, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return nil, err
	}
	return lib.Tags(f.ctx(), workspaceID)
}

// CollectGarbage removes the stored files no visual, rendition or logo uses.
func (f *Library) CollectGarbage() (LibraryGC, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return LibraryGC{}, err
	}
	ws, _, _, err := f.a.services()
	if err != nil {
		return LibraryGC{}, err
	}
	logos := func(ctx context.Context) ([]string, error) {
		list, err := ws.List(ctx)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, w := range list {
			if w.Logo != nil {
				out = append(out, w.Logo.Blob)
			}
		}
		return out, nil
	}
	gc, err := lib.CollectGarbage(f.ctx(), logos)
	return LibraryGC{Removed: gc.Removed, Bytes: gc.Bytes}, err
}

// Presets lists the network image presets.
func (f *Library) Presets() []rendition.Preset {
	return append([]rendition.Preset{}, rendition.Presets...)
}

// Renditions returns every preset's rendition of a visual, making the
// missing ones (background: "#rrggbb" for transparent pictures, "" white).
func (f *Library) Renditions(assetID string, background string) ([]Rendition, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return nil, err
	}
	rs, err := lib.Renditions(f.ctx(), assetID, nil, background)
	if err != nil {
		return nil, err
	}
	out := make([]Rendition, len(rs))
	for i, r := range rs {
		out[i] = toRendition(assetID, background, r)
	}
	return out, nil
}

// SetCrop sets a hand-made crop for one preset (nil: back to the focal
// point) and returns the new rendition, made on background as Renditions
// does, so the card the cropper returns to shows what the preview showed.
func (f *Library) SetCrop(assetID, presetID string, crop *CropRect, background string) (Rendition, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return Rendition{}, err
	}
	var r *rendition.Rect
	if crop != nil {
		rr := rendition.Rect(*crop)
		r = &rr
	}
	if _, err := lib.SetCrop(f.ctx(), assetID, presetID, r); err != nil {
		return Rendition{}, err
	}
	rs, err := lib.Renditions(f.ctx(), assetID, []string{presetID}, background)
	if err != nil {
		return Rendition{}, err
	}
	return toRendition(assetID, background, rs[0]), nil
}

// Export writes renditions of visuals for presets (none = all) to folder;
// with folder "", the system's folder dialog asks first. background is the
// one the preview used ("#rrggbb" for transparent pictures, "" white): what
// is exported is what was shown.
func (f *Library) Export(assetIDs []string, presetIDs []string, folder, background string) (ExportResult, error) {
	lib, err := f.a.librarySvc()
	if err != nil {
		return ExportResult{}, err
	}
	if folder == "" {
		pick := f.pickFolder
		if pick == nil {
			pick = devFolderDialog
		}
		if pick == nil {
			pick = func() (string, error) {
				return runtime.OpenDirectoryDialog(f.a.context(), runtime.OpenDialogOptions{Title: "Relais", CanCreateDirectories: true})
			}
		}
		if folder, err = pick(); err != nil || folder == "" {
			return ExportResult{}, err
		}
	}
	n, err := lib.Export(f.ctx(), assetIDs, presetIDs, folder, background)
	if err != nil {
		return ExportResult{}, err
	}
	return ExportResult{Folder: folder, Files: n}, nil
}

// assetHandler serves /library/thumb/<id>, /library/original/<id> and
// /library/rendition/<id>/<preset>?v=<key>[&bg=rrggbb]. Blobs never change
// under a URL (the key changes instead), so they are cached for a year.
func (f *Library) assetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lib, err := f.a.librarySvc()
		if err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/library/"), "/")
		ctx := r.Context()
		var hash, ctype string
		immutable := true
		switch {
		case len(parts) == 2 && (parts[0] == "thumb" || parts[0] == "original"):
			a, err := lib.Get(ctx, parts[1])
			if err != nil {
				http.NotFound(w, r)
				return
			}
			hash, ctype = a.Thumb, a.ThumbType
			if parts[0] == "original" {
				hash, ctype = a.Blob, "image/"+a.Format
			}
		case len(parts) == 3 && parts[0] == "rendition":
			ctype = "image/jpeg"
			if v := r.URL.Query().Get("v"); v != "" {
				hash, _ = lib.CachedRendition(ctx, parts[1], v)
			}
			if hash == "" {
				bg := r.URL.Query().Get("bg")
				if bg != "" {
					bg = "#" + bg
				}
				rs, err := lib.Renditions(ctx, parts[1], []string{parts[2]}, bg)
				if err != nil {
					http.NotFound(w, r)
					return
				}
				hash, immutable = rs[0].Blob, r.URL.Query().Get("v") == rs[0].Key
			}
		default:
			http.NotFound(w, r)
			return
		}
		file, err := lib.OpenBlob(hash)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer file.Close()
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if immutable {
			w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("ETag", `"`+hash[:32]+`"`)
		http.ServeContent(w, r, "", time.Time{}, file)
	})
}

// reloadLibrary rebuilds the library's in-memory index after the data
// was replaced (restore).
func (a *App) reloadLibrary() {
	lib, err := a.librarySvc()
	if err != nil {
		return
	}
	if err := lib.Reload(context.Background()); err != nil {
		a.log.Error("reloading the library", "err", err)
	}
	a.emit("library:changed", "")
}

// forgetLibraryWorkspace removes a deleted workspace's visuals.
func (a *App) forgetLibraryWorkspace(id string) {
	lib, err := a.librarySvc()
	if err != nil {
		return
	}
	if err := lib.DeleteWorkspace(context.Background(), id); err != nil {
		a.log.Error("removing a deleted client's visuals", "err", err)
	}
}

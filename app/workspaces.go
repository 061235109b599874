package app

import (
	"encoding/base64"
	"errors"

	"relais/backend/workspace"
)

// Workspaces is the bound facade for client workspaces.
type Workspaces struct{ a *App }

// errBadBase64 is returned when the UI sends a file that does not decode.
var errBadBase64 = errors.New("app: file data is not base64")

// Workspace is a workspace as the UI sees it: the logo thumbnail is a data
// URL and the original's blob hash stays in Go.
type Workspace struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Color     string             `json:"color"`
	Timezone  string             `json:"timezone"`
	Language  string             `json:"language"`
	Logo      *Logo              `json:"logo"`
	BrandKit  workspace.BrandKit `json:"brandKit"`
	Pillars   []workspace.Pillar `json:"pillars"`
	Charter   workspace.Charter  `json:"charter"`
	Archived  bool               `json:"archived"`
	CreatedAt string             `json:"createdAt"` // RFC 3339, UTC
	UpdatedAt string             `json:"updatedAt"`
}

// Logo describes a workspace logo for display.
type Logo struct {
	Name    string `json:"name"`
	Format  string `json:"format"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	DataURL string `json:"dataUrl"`
}

func toDTO(w workspace.Workspace) Workspace {
	d := Workspace{ID: w.ID, Name: w.Name, Color: w.Color, Timezone: w.Timezone, Language: w.Language,
		BrandKit: w.BrandKit, Pillars: w.Pillars, Charter: w.Charter, Archived: w.Archived,
		CreatedAt: w.CreatedAt.UTC().Format(rfc3339), UpdatedAt: w.UpdatedAt.UTC().Format(rfc3339)}
	if d.Pillars == nil {
		d.Pillars = []workspace.Pillar{}
	}
	if w.Logo != nil {
		d.Logo = &Logo{Name: w.Logo.Name, Format: w.Logo.Format, Width: w.Logo.Width, Height: w.Logo.Height,
			DataURL: "data:image/png;base64," + base64.StdEncoding.EncodeToString(w.Logo.Thumb)}
	}
	return d
}

const rfc3339 = "2006-01-02T15:04:05Z07:00"

func (f *Workspaces) one(w workspace.Workspace, err error) (Workspace, error) {
	if err != nil {
		return Workspace{}, err
	}
	f.a.emit("workspaces:changed", w.ID)
	return toDTO(w), nil
}

// List returns every workspace, archived ones included, sorted by name.
func (f *Workspaces) List() ([]Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return nil, err
	}
	list, err := ws.List(f.a.context())
	if err != nil {
		return nil, err
	}
	out := make([]Workspace, len(list))
	for i, w := range list {
		out[i] = toDTO(w)
	}
	return out, nil
}

// Get returns one workspace.
func (f *Workspaces) Get(id string) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	w, err := ws.Get(f.a.context(), id)
	if err != nil {
		return Workspace{}, err
	}
	return toDTO(w), nil
}

// MachineTimezone is the IANA zone new workspaces default to.
func (f *Workspaces) MachineTimezone() string { return workspace.MachineZone() }

// Languages lists the languages a brand can publish in.
func (f *Workspaces) Languages() []string { return workspace.Languages }

// Create adds a workspace.
func (f *Workspaces) Create(s workspace.Settings) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	return f.one(ws.Create(f.a.context(), s))
}

// Update saves a workspace's settings.
func (f *Workspaces) Update(id string, s workspace.Settings) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	return f.one(ws.Update(f.a.context(), id, s))
}

// Rename changes a workspace's name.
func (f *Workspaces) Rename(id, name string) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	return f.one(ws.Rename(f.a.context(), id, name))
}

// Archive hides a workspace from the switcher.
func (f *Workspaces) Archive(id string) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	return f.one(ws.Archive(f.a.context(), id))
}

// Unarchive brings an archived workspace back.
func (f *Workspaces) Unarchive(id string) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	return f.one(ws.Unarchive(f.a.context(), id))
}

// Deleted tells the UI where the automatic backup taken before a deletion is.
type Deleted struct {
	Backup string `json:"backup"`
}

// Delete removes a workspace once confirm repeats its name; a backup is
// taken first.
func (f *Workspaces) Delete(id, confirm string) (Deleted, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Deleted{}, err
	}
	path, err := ws.Delete(f.a.context(), id, confirm)
	if err != nil {
		return Deleted{}, err
	}
	f.a.forgetLibraryWorkspace(id)
	f.a.emit("workspaces:changed", id)
	return Deleted{Backup: path}, nil
}

// SetLogo sets a workspace's logo from a file the user picked, sent as
// base64 (the webview's file input reads it; no path crosses the seam).
func (f *Workspaces) SetLogo(id, fileName, dataBase64 string) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	if len(dataBase64) > base64.StdEncoding.EncodedLen(workspace.MaxLogoBytes)+4 {
		return Workspace{}, &workspace.FieldError{Field: "logo", Err: workspace.ErrLogoTooLarge,
			Info: map[string]any{"file": fileName, "max": workspace.MaxLogoBytes}}
	}
	data, err := base64.StdEncoding.DecodeString(dataBase64)
	if err != nil {
		return Workspace{}, errBadBase64
	}
	return f.one(ws.SetLogo(f.a.context(), id, fileName, data))
}

// RemoveLogo clears a workspace's logo.
func (f *Workspaces) RemoveLogo(id string) (Workspace, error) {
	ws, _, _, err := f.a.services()
	if err != nil {
		return Workspace{}, err
	}
	return f.one(ws.RemoveLogo(f.a.context(), id))
}

package app

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"relais/backend/settings"
	"relais/backend/store"
)

// Settings is the bound facade for app-wide preferences and backups.
type Settings struct{ a *App }

// Prefs returns the user's language and theme choices.
func (f *Settings) Prefs() (settings.Prefs, error) {
	_, set, _, err := f.a.services()
	if err != nil {
		return settings.Prefs{Language: "system", Theme: "system"}, nil
	}
	return set.Prefs(f.a.context())
}

// SetPrefs saves the user's language and theme choices.
func (f *Settings) SetPrefs(p settings.Prefs) (settings.Prefs, error) {
	_, set, _, err := f.a.services()
	if err != nil {
		return settings.Prefs{}, err
	}
	p, err = set.SetPrefs(f.a.context(), p)
	if err == nil {
		switch p.Theme {
		case "light":
			runtime.WindowSetLightTheme(f.a.context())
		case "dark":
			runtime.WindowSetDarkTheme(f.a.context())
		default:
			runtime.WindowSetSystemDefaultTheme(f.a.context())
		}
	}
	return p, err
}

// Backup is one backup file as the UI lists it.
type Backup struct {
	Path    string `json:"path"`
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	Created string `json:"created"` // RFC 3339, UTC
	// Manual: the user asked for it (never pruned);
	// otherwise Reason says why Relais made it ("before-delete",
	// "before-restore", "before-migration-v2"…; pruned, newest kept).
	Manual bool   `json:"manual"`
	Reason string `json:"reason"`
}

func toBackup(path string) (Backup, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Backup{}, err
	}
	return Backup{Path: path, Name: filepath.Base(path), Size: fi.Size(), Created: fi.ModTime().UTC().Format(rfc3339)}, nil
}

// Backups lists the backups in the data folder, newest first.
func (f *Settings) Backups() ([]Backup, error) {
	_, _, db, err := f.a.services()
	if err != nil {
		return nil, err
	}
	files, err := db.Backups()
	if err != nil {
		return nil, err
	}
	out := make([]Backup, 0, len(files))
	for _, b := range files {
		out = append(out, Backup{Path: b.Path, Name: filepath.Base(b.Path), Size: b.Size, Created: b.ModTime.UTC().Format(rfc3339),
			Manual: b.Manual, Reason: b.Reason})
	}
	return out, nil
}

// BackupNow writes a backup into the data folder's backups.
func (f *Settings) BackupNow() (Backup, error) {
	_, _, db, err := f.a.services()
	if err != nil {
		return Backup{}, err
	}
	path, err := db.BackupManual(f.a.context())
	if err != nil {
		return Backup{}, err
	}
	b, err := toBackup(path)
	b.Manual = true
	return b, err
}

// SaveBackupAs asks where to save a backup and writes it there. An empty
// path in the result means the user cancelled.
func (f *Settings) SaveBackupAs() (Backup, error) {
	_, _, db, err := f.a.services()
	if err != nil {
		return Backup{}, err
	}
	ctx := f.a.context()
	path, err := runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{
		DefaultFilename: "relais-" + time.Now().Format("2006-01-02") + store.BackupExt,
		Filters:         []runtime.FileFilter{f.a.backupFilter(ctx)},
	})
	if err != nil || path == "" {
		return Backup{}, err
	}
	if filepath.Ext(path) == "" {
		path += store.BackupExt
	}
	if err := db.BackupToFile(ctx, path); err != nil {
		return Backup{}, err
	}
	return toBackup(path)
}

// ChooseBackupFile asks the user for a backup file to restore; "" means
// cancelled.
func (f *Settings) ChooseBackupFile() (string, error) {
	ctx := f.a.context()
	return runtime.OpenFileDialog(ctx, runtime.OpenDialogOptions{
		Filters: []runtime.FileFilter{f.a.backupFilter(ctx)},
	})
}

// Restore replaces all data with the backup at path. The UI asks for
// confirmation first; the current data is itself backed up before the swap.
func (f *Settings) Restore(path string) error {
	_, _, db, err := f.a.services()
	if err != nil {
		return err
	}
	r, err := os.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := db.Restore(f.a.context(), r); err != nil {
		return err
	}
	f.a.reloadLibrary()
	f.a.emit("workspaces:changed", "")
	return nil
}

// OpenDataFolder shows the data folder in the system's file manager.
func (f *Settings) OpenDataFolder() {
	if dir := f.a.DataDir(); dir != "" {
		runtime.BrowserOpenURL(f.a.context(), "file://"+filepath.ToSlash(dir))
	}
}

// backupFilter is the file dialog's filter for backups, named in the
// language the user reads Relais in (the OS draws the dialog itself).
func (a *App) backupFilter(ctx context.Context) runtime.FileFilter {
	name := "Relais backup"
	if a.uiLang(ctx) == "fr" {
		name = "Sauvegarde Relais"
	}
	return runtime.FileFilter{DisplayName: name, Pattern: "*" + store.BackupExt}
}

package app

import (
	goruntime "runtime"

	"relais/backend/store"
)

// Shell is the bound facade for app-level facts.
type Shell struct{ a *App }

// Info is what the UI needs to know about this run of Relais.
type Info struct {
	Version    string   `json:"version"`
	OS         string   `json:"os"`
	DataDir    string   `json:"dataDir"`
	BackupDir  string   `json:"backupDir"`
	Schema     int      `json:"schema"`
	StartError *UIError `json:"startError"` // set when the store could not open
}

// DataDir is the folder Relais keeps its data in ("" before start-up).
func (a *App) DataDir() string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.dataDir
}

// Info describes this run.
func (f *Shell) Info() Info {
	f.a.waitStarted()
	i := Info{Version: Version, OS: goruntime.GOOS, Schema: store.SchemaVersion()}
	f.a.mu.RLock()
	defer f.a.mu.RUnlock()
	if f.a.db != nil {
		i.DataDir = f.a.db.Dir()
		i.BackupDir = f.a.db.BackupDir()
	}
	if f.a.startErr != nil {
		ue := toUIError(f.a.startErr)
		i.StartError = &ue
		if dir, err := store.DefaultDir(); err == nil {
			i.DataDir = dir
		}
	}
	return i
}

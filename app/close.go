package app

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// closeGuard decides whether closing the window should first ask the UI:
// the frontend holds it while a form has unsaved changes, and the UI's
// answer (discard and quit) comes back through Shell.QuitNow.
type closeGuard struct {
	mu       sync.Mutex
	held     bool
	quitting bool
}

// EventCloseRequested asks the UI to confirm closing the window.
const EventCloseRequested = "app:close-requested"

// HoldClose tells Relais whether closing the window must ask first (the UI
// holds it while there are unsaved changes, and releases it after saving
// or discarding).
func (f *Shell) HoldClose(hold bool) {
	g := &f.a.close
	g.mu.Lock()
	g.held = hold
	g.mu.Unlock()
}

// QuitNow quits without asking again: the UI calls it once the user has
// chosen to discard their changes.
func (f *Shell) QuitNow() {
	g := &f.a.close
	g.mu.Lock()
	g.quitting = true
	g.mu.Unlock()
	if ctx := f.a.context(); ctx != nil {
		runtime.Quit(ctx)
	}
}

// CloseRequest is what the UI must ask about before the window closes.
type CloseRequest struct {
	Unsaved bool    `json:"unsaved"` // a form has unsaved changes
	DueSoon DueSoon `json:"dueSoon"` // posts due within the hour would wait
}

// preventClose reports whether a close request must wait for the UI (a
// form with unsaved changes, posts due within the hour: Relais must be
// running for them to go out), and tells the UI what to ask.
func (a *App) preventClose(ctx context.Context) bool {
	g := &a.close
	g.mu.Lock()
	req := CloseRequest{Unsaved: g.held}
	quitting := g.quitting
	g.mu.Unlock()
	if quitting {
		return false
	}
	if d, err := a.dueSoon(ctx); err == nil {
		req.DueSoon = d
	}
	if !req.Unsaved && req.DueSoon.Count == 0 {
		return false
	}
	a.emit(EventCloseRequested, req)
	return true
}

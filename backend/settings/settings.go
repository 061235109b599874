// Package settings holds the app-wide preferences (interface language,
// theme) and the main window's last size and place, one record per name in
// store.TableSettings.
package settings

import (
	"context"
	"errors"
	"fmt"

	"relais/backend/store"
)

// ErrInvalid is returned for a preference value Relais does not know.
var ErrInvalid = errors.New("settings: invalid value")

// Prefs are the user's app-wide choices.
type Prefs struct {
	Language string `json:"language"` // "system", "fr" or "en"
	Theme    string `json:"theme"`    // "system", "light" or "dark"
}

// Window is the main window's geometry when it was last closed.
type Window struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised"`
}

var (
	prefsKey  = store.Key(store.TableSettings, []byte("prefs"))
	windowKey = store.Key(store.TableSettings, []byte("window"))
)

// Service reads and writes settings.
type Service struct{ db *store.Store }

// New returns a Service over db.
func New(db *store.Store) *Service { return &Service{db: db} }

// Prefs returns the stored preferences, with defaults for what was never set.
func (s *Service) Prefs(ctx context.Context) (Prefs, error) {
	p := Prefs{Language: "system", Theme: "system"}
	err := s.db.View(ctx, func(t *store.Txn) error { return t.Get(prefsKey, &p) })
	if errors.Is(err, store.ErrNotFound) {
		err = nil
	}
	return p, err
}

// SetPrefs validates and stores p.
func (s *Service) SetPrefs(ctx context.Context, p Prefs) (Prefs, error) {
	if !oneOf(p.Language, "system", "fr", "en") {
		return Prefs{}, fmt.Errorf("%w: language %q", ErrInvalid, p.Language)
	}
	if !oneOf(p.Theme, "system", "light", "dark") {
		return Prefs{}, fmt.Errorf("%w: theme %q", ErrInvalid, p.Theme)
	}
	return p, s.db.Update(ctx, func(t *store.Txn) error { return t.Put(prefsKey, p) })
}

// Window returns the saved window geometry; ok is false when none was saved.
func (s *Service) Window(ctx context.Context) (w Window, ok bool, err error) {
	err = s.db.View(ctx, func(t *store.Txn) error { return t.Get(windowKey, &w) })
	if errors.Is(err, store.ErrNotFound) {
		return Window{}, false, nil
	}
	return w, err == nil, err
}

// SetWindow saves the window geometry. Sizes too small to be a real window
// (a minimised or half-created one) are ignored.
func (s *Service) SetWindow(ctx context.Context, w Window) error {
	if w.Width < 200 || w.Height < 150 {
		return nil
	}
	return s.db.Update(ctx, func(t *store.Txn) error { return t.Put(windowKey, w) })
}

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

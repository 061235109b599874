package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // logo formats
	_ "image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/disintegration/imaging"
	"github.com/google/uuid"
	_ "golang.org/x/image/webp"

	"relais/backend/blob"
	"relais/backend/store"
	"relais/backend/textfold"
)

// Service manages workspaces in a store.
type Service struct {
	db    *store.Store
	blobs *blob.Store
	now   func() time.Time
	zone  func() string
}

// New returns a Service over db whose logos go to blobs.
func New(db *store.Store, blobs *blob.Store) *Service {
	return &Service{db: db, blobs: blobs, now: time.Now, zone: MachineZone}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func recKey(id string) []byte { return store.Key(store.TableWorkspace, []byte(id)) }

func nameKey(name, id string) []byte {
	return store.Key(store.IndexWorkspaceName, []byte(fold(name)), []byte{0}, []byte(id))
}

func namePrefix(name string) []byte {
	return store.Key(store.IndexWorkspaceName, []byte(fold(name)), []byte{0})
}

// fold is the form names are compared in: accents removed, case folded, so
// "Café Lumière" and "cafe lumiere" are the same client.
func fold(s string) string { return textfold.Fold(s) }

// List returns every workspace, archived ones included, by name.
func (s *Service) List(ctx context.Context) ([]Workspace, error) {
	var out []Workspace
	err := s.db.View(ctx, func(t *store.Txn) error {
		return t.Scan([]byte{store.TableWorkspace}, func(_ []byte, decode func(any) error) error {
			var w Workspace
			if err := decode(&w); err != nil {
				return err
			}
			out = append(out, w)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return fold(out[i].Name) < fold(out[j].Name) })
	return out, err
}

// Get returns one workspace.
func (s *Service) Get(ctx context.Context, id string) (Workspace, error) {
	var w Workspace
	err := s.db.View(ctx, func(t *store.Txn) error { return get(t, id, &w) })
	return w, err
}

func get(t *store.Txn, id string, w *Workspace) error {
	err := t.Get(recKey(id), w)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return err
}

// nameFree reports an ErrNameTaken error when another workspace than id
// already uses name.
func nameFree(t *store.Txn, name, id string) error {
	var taken bool
	err := t.ScanKeys(namePrefix(name), func(k []byte) error {
		if string(k[len(namePrefix(name)):]) != id {
			taken = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if taken {
		return fieldErr("name", ErrNameTaken, map[string]any{"name": name})
	}
	return nil
}

// Create validates set and stores a new workspace.
func (s *Service) Create(ctx context.Context, set Settings) (Workspace, error) {
	if err := set.normalize(s.zone()); err != nil {
		return Workspace{}, err
	}
	now := s.now().UTC()
	w := Workspace{ID: newID(), CreatedAt: now, UpdatedAt: now}
	w.apply(set)
	err := s.db.Update(ctx, func(t *store.Txn) error {
		if err := nameFree(t, w.Name, w.ID); err != nil {
			return err
		}
		if err := t.SetIndex(nameKey(w.Name, w.ID)); err != nil {
			return err
		}
		return t.Put(recKey(w.ID), w)
	})
	if err != nil {
		return Workspace{}, err
	}
	return w, nil
}

func (w *Workspace) apply(set Settings) {
	w.Name, w.Color, w.Timezone, w.Language = set.Name, set.Color, set.Timezone, set.Language
	w.BrandKit, w.Pillars, w.Charter = set.BrandKit, set.Pillars, set.Charter
	if w.Pillars == nil {
		w.Pillars = []Pillar{}
	}
}

// modify loads a workspace, lets fn change it and stores it, keeping the
// name index in step. Nothing is written when fn fails.
func (s *Service) modify(ctx context.Context, id string, fn func(*Workspace) error) (Workspace, error) {
	var w Workspace
	err := s.db.Update(ctx, func(t *store.Txn) error {
		w = Workspace{}
		if err := get(t, id, &w); err != nil {
			return err
		}
		oldName := w.Name
		if err := fn(&w); err != nil {
			return err
		}
		if fold(oldName) != fold(w.Name) {
			if err := nameFree(t, w.Name, w.ID); err != nil {
				return err
			}
			if err := t.Delete(nameKey(oldName, w.ID)); err != nil {
				return err
			}
		}
		if err := t.SetIndex(nameKey(w.Name, w.ID)); err != nil {
			return err
		}
		w.UpdatedAt = s.now().UTC()
		return t.Put(recKey(w.ID), w)
	})
	if err != nil {
		return Workspace{}, err
	}
	return w, nil
}

// Update replaces a workspace's settings.
func (s *Service) Update(ctx context.Context, id string, set Settings) (Workspace, error) {
	if err := set.normalize(s.zone()); err != nil {
		return Workspace{}, err
	}
	return s.modify(ctx, id, func(w *Workspace) error { w.apply(set); return nil })
}

// Rename changes only a workspace's name.
func (s *Service) Rename(ctx context.Context, id, name string) (Workspace, error) {
	return s.modify(ctx, id, func(w *Workspace) error {
		set := w.Settings()
		set.Name = name
		if err := set.normalize(w.Timezone); err != nil {
			return err
		}
		w.Name = set.Name
		return nil
	})
}

// Archive hides a workspace from the switcher; nothing is deleted.
func (s *Service) Archive(ctx context.Context, id string) (Workspace, error) {
	return s.modify(ctx, id, func(w *Workspace) error { w.Archived = true; return nil })
}

// Unarchive brings an archived workspace back.
func (s *Service) Unarchive(ctx context.Context, id string) (Workspace, error) {
	return s.modify(ctx, id, func(w *Workspace) error { w.Archived = false; return nil })
}

// Delete removes a workspace for good once confirm matches its name
// (ignoring case, accents and spacing). A full backup of the store is
// written first; its path is returned so the user can be told where it is.
func (s *Service) Delete(ctx context.Context, id, confirm string) (backup string, err error) {
	w, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if fold(confirm) != fold(w.Name) {
		return "", fieldErr("confirm", ErrConfirmationNeeded, map[string]any{"name": w.Name})
	}
	backup, err = s.db.BackupToDir(ctx, "before-delete")
	if err != nil {
		return "", fmt.Errorf("workspace: backup before delete: %w", err)
	}
	err = s.db.Update(ctx, func(t *store.Txn) error {
		var cur Workspace
		if err := get(t, id, &cur); err != nil {
			return err
		}
		if err := t.Delete(nameKey(cur.Name, id)); err != nil {
			return err
		}
		return t.Delete(recKey(id))
	})
	return backup, err
}

// SetLogo checks that data is an image within the size and pixel caps,
// stores the original as a blob and keeps a small PNG thumbnail in the
// record. Bad input changes nothing.
func (s *Service) SetLogo(ctx context.Context, id, name string, data []byte) (Workspace, error) {
	logo, err := s.makeLogo(ctx, name, data)
	if err != nil {
		return Workspace{}, err
	}
	return s.modify(ctx, id, func(w *Workspace) error { w.Logo = logo; return nil })
}

// RemoveLogo clears a workspace's logo. The blob stays until garbage
// collection, so an undo or a backup can still use it.
func (s *Service) RemoveLogo(ctx context.Context, id string) (Workspace, error) {
	return s.modify(ctx, id, func(w *Workspace) error { w.Logo = nil; return nil })
}

func (s *Service) makeLogo(ctx context.Context, name string, data []byte) (*Logo, error) {
	name = filepath.Base(name)
	info := map[string]any{"file": name}
	if len(data) > MaxLogoBytes {
		info["max"] = MaxLogoBytes
		return nil, fieldErr("logo", ErrLogoTooLarge, info)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fieldErr("logo", ErrLogoNotImage, info)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxLogoPixels {
		info["max"] = MaxLogoPixels
		return nil, fieldErr("logo", ErrLogoTooManyPixels, info)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fieldErr("logo", ErrLogoNotImage, info)
	}
	thumb := imaging.Fit(img, LogoThumbPixels, LogoThumbPixels, imaging.Lanczos)
	var buf bytes.Buffer
	if err := png.Encode(&buf, thumb); err != nil {
		return nil, err
	}
	hash, _, _, err := s.blobs.Put(ctx, bytes.NewReader(data), MaxLogoBytes)
	if err != nil {
		return nil, err
	}
	return &Logo{Blob: hash, Name: name, Format: format, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), Thumb: buf.Bytes()}, nil
}

// MachineZone returns the IANA name of the machine's timezone, or "UTC"
// when it cannot be told.
func MachineZone() string {
	if tz := os.Getenv("TZ"); tz != "" {
		tz = strings.TrimPrefix(tz, ":")
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
	}
	if n := time.Local.String(); n != "Local" && n != "" {
		if _, err := time.LoadLocation(n); err == nil {
			return n
		}
	}
	if runtime.GOOS != "windows" {
		if b, err := os.ReadFile("/etc/timezone"); err == nil {
			if z := strings.TrimSpace(string(b)); checkZone(z) == nil {
				return z
			}
		}
		if p, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
			if i := strings.Index(p, "zoneinfo/"); i >= 0 {
				if z := p[i+len("zoneinfo/"):]; checkZone(z) == nil {
					return z
				}
			}
		}
	}
	return "UTC"
}

// Exists reports whether a workspace with id exists.
func (s *Service) Exists(ctx context.Context, id string) (bool, error) {
	var ok bool
	err := s.db.View(ctx, func(t *store.Txn) (err error) { ok, err = t.Has(recKey(id)); return err })
	return ok, err
}

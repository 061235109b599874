package store

import (
	"context"
	"errors"
	"fmt"
)

// Migration moves the database from Version-1 to Version. Apply runs in the
// same transaction that records Version, so a migration either happens
// whole or not at all, and a crash mid-migration reruns it at next Open.
type Migration struct {
	Version int
	Name    string
	Apply   func(*Txn) error
}

// migrations is the built-in list, in version order. Append only.
var migrations = []Migration{
	{Version: 1, Name: "initial layout", Apply: func(*Txn) error { return nil }},
}

// SchemaVersion is the schema this build of Relais writes.
func SchemaVersion() int { return migrations[len(migrations)-1].Version }

var schemaKey = []byte{TableMeta, 's', 'c', 'h', 'e', 'm', 'a'}

type schemaRecord struct {
	Version int `json:"version"`
}

// Schema returns the schema version recorded in the database.
func (s *Store) Schema(ctx context.Context) (int, error) {
	var rec schemaRecord
	err := s.View(ctx, func(t *Txn) error { return t.Get(schemaKey, &rec) })
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return rec.Version, err
}

func (s *Store) latest() int { return s.opts.Migrations[len(s.opts.Migrations)-1].Version }

func (s *Store) migrate(ctx context.Context) error {
	current, err := s.Schema(ctx)
	if err != nil {
		return err
	}
	latest := s.latest()
	switch {
	case current > latest:
		return fmt.Errorf("%w (database %d, this version %d)", ErrSchemaTooNew, current, latest)
	case current == latest:
		return nil
	}
	empty, err := s.isEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		if _, err := s.BackupToDir(ctx, fmt.Sprintf("before-migration-v%d", current)); err != nil {
			return fmt.Errorf("store: backup before migration: %w", err)
		}
	}
	for _, m := range s.opts.Migrations {
		if m.Version <= current {
			continue
		}
		err := s.Update(ctx, func(t *Txn) error {
			if err := m.Apply(t); err != nil {
				return err
			}
			return t.Put(schemaKey, schemaRecord{Version: m.Version})
		})
		if err != nil {
			return fmt.Errorf("store: migration %d (%s): %w", m.Version, m.Name, err)
		}
		s.opts.Logger.Info("migrated", "version", m.Version, "name", m.Name)
	}
	return nil
}

func (s *Store) isEmpty(ctx context.Context) (bool, error) {
	empty := true
	errStop := errors.New("stop")
	err := s.View(ctx, func(t *Txn) error {
		return t.ScanKeys(nil, func([]byte) error { empty = false; return errStop })
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return empty, err
}

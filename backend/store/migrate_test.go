package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The tests below model a real schema change: version 1 stored a person as
// {"name": "Ada Lovelace"}; version 2 splits the name.

type personV1 struct {
	Name string `json:"name"`
}

type personV2 struct {
	First string `json:"first"`
	Last  string `json:"last"`
}

var oldPeople = map[string]personV1{
	"p1": {Name: "Ada Lovelace"},
	"p2": {Name: "Grace Hopper"},
	"p3": {Name: "Alan Turing"},
	"p4": {Name: "Edsger Dijkstra"},
}

func personKey(id string) []byte { return Key(tableTest, []byte("person/"), []byte(id)) }

var v1 = Migration{Version: 1, Name: "initial layout", Apply: func(*Txn) error { return nil }}

// splitNames is the v2 migration. failAfter > 0 makes it fail after
// rewriting that many records, as a migration hitting bad data would.
func splitNames(failAfter int) Migration {
	return Migration{Version: 2, Name: "split names", Apply: func(t *Txn) error {
		type rec struct {
			key []byte
			p   personV1
		}
		var recs []rec
		err := t.Scan(Key(tableTest, []byte("person/")), func(k []byte, decode func(any) error) error {
			var p personV1
			if err := decode(&p); err != nil {
				return err
			}
			recs = append(recs, rec{k, p})
			return nil
		})
		if err != nil {
			return err
		}
		for i, r := range recs {
			if failAfter > 0 && i == failAfter {
				return errMigration
			}
			first, last, _ := strings.Cut(r.p.Name, " ")
			if err := t.Put(r.key, personV2{First: first, Last: last}); err != nil {
				return err
			}
		}
		return nil
	}}
}

var errMigration = errors.New("migration hit bad data")

// markV3 is a trivial v3 that records it ran.
func markV3(fail bool) Migration {
	return Migration{Version: 3, Name: "mark", Apply: func(t *Txn) error {
		if err := t.Put(Key(tableTest, []byte("v3")), true); err != nil {
			return err
		}
		if fail {
			return errMigration
		}
		return nil
	}}
}

// seedV1 creates a store at schema 1 holding oldPeople and returns its dir.
func seedV1(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{Migrations: []Migration{v1}})
	if err != nil {
		t.Fatalf("Open(v1) = %v", err)
	}
	err = s.Update(context.Background(), func(tx *Txn) error {
		for id, p := range oldPeople {
			if err := tx.Put(personKey(id), p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update(seed) = %v", err)
	}
	if got := schemaT(t, s); got != 1 {
		t.Fatalf("Schema() after seeding = %d; want 1", got)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	return dir
}

func readPeople[T any](t *testing.T, s *Store) map[string]T {
	t.Helper()
	out := map[string]T{}
	err := s.View(context.Background(), func(tx *Txn) error {
		for id := range oldPeople {
			var p T
			if err := tx.Get(personKey(id), &p); err != nil {
				return err
			}
			out[id] = p
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View(read people) = %v", err)
	}
	return out
}

func backupFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, backupDirName, "*"+BackupExt))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMigrateOldData(t *testing.T) {
	ctx := context.Background()
	dir := seedV1(t)
	if b := backupFiles(t, dir); len(b) != 0 {
		t.Fatalf("backups after creating a fresh store = %q; want none", b)
	}

	s := openT(t, dir, Options{Migrations: []Migration{v1, splitNames(0)}})
	if got := schemaT(t, s); got != 2 {
		t.Errorf("Schema() after migration = %d; want 2", got)
	}
	for id, p := range readPeople[personV2](t, s) {
		want := personV2{}
		want.First, want.Last, _ = strings.Cut(oldPeople[id].Name, " ")
		if p != want {
			t.Errorf("person %s after migration = %+v; want %+v", id, p, want)
		}
	}

	backups := backupFiles(t, dir)
	if len(backups) != 1 || !strings.Contains(filepath.Base(backups[0]), "before-migration-v1") {
		t.Fatalf("backups after migration = %q; want one before-migration-v1 backup", backups)
	}
	// The backup holds the data as it was before the migration: restore it
	// into a separate v1 store and read the old shape back.
	f, err := os.Open(backups[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := openT(t, t.TempDir(), Options{Migrations: []Migration{v1}})
	if err := old.Restore(ctx, f); err != nil {
		t.Fatalf("Restore(%s) = %v; want nil", backups[0], err)
	}
	if got := schemaT(t, old); got != 1 {
		t.Errorf("Schema() of the pre-migration backup = %d; want 1", got)
	}
	for id, p := range readPeople[personV1](t, old) {
		if p != oldPeople[id] {
			t.Errorf("person %s in pre-migration backup = %+v; want %+v", id, p, oldPeople[id])
		}
	}

	// Opening again runs nothing and makes no new backup.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ran := false
	v2 := splitNames(0)
	v2.Apply = func(*Txn) error { ran = true; return nil }
	s = openT(t, dir, Options{Migrations: []Migration{v1, v2}})
	if ran {
		t.Errorf("reopening a migrated store ran migration 2 again")
	}
	if b := backupFiles(t, dir); len(b) != 1 {
		t.Errorf("backups after reopening = %q; want still one", b)
	}
}

func TestMigrateFailure(t *testing.T) {
	tests := []struct {
		name       string
		migrations []Migration
		wantSchema int  // after the failed Open
		wantSplit  bool // whether v2's changes are kept
	}{
		{"v2 fails mid-way", []Migration{v1, splitNames(2)}, 1, false},
		{"v2 fails on its first record", []Migration{v1, splitNames(1)}, 1, false},
		{"v2 fails, v3 never runs", []Migration{v1, splitNames(3), markV3(false)}, 1, false},
		{"v2 succeeds, v3 fails", []Migration{v1, splitNames(0), markV3(true)}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := seedV1(t)
			s, err := Open(ctx, dir, Options{Migrations: tt.migrations})
			if !errors.Is(err, errMigration) {
				if s != nil {
					s.Close()
				}
				t.Fatalf("Open(failing migration) = %v; want an error wrapping %v", err, errMigration)
			}

			// The failed Open released the directory; the old code can
			// open it and finds its data as it was.
			list := []Migration{v1}
			if tt.wantSchema == 2 {
				list = tt.migrations[:2]
			}
			s = openT(t, dir, Options{Migrations: list})
			if got := schemaT(t, s); got != tt.wantSchema {
				t.Errorf("Schema() after failed migration = %d; want %d", got, tt.wantSchema)
			}
			if tt.wantSplit {
				if got := readPeople[personV2](t, s)["p1"]; got != (personV2{"Ada", "Lovelace"}) {
					t.Errorf("p1 = %+v; want v2's split name kept", got)
				}
			} else {
				for id, p := range readPeople[personV1](t, s) {
					if p != oldPeople[id] {
						t.Errorf("person %s after failed migration = %+v; want untouched %+v", id, p, oldPeople[id])
					}
				}
			}
			err = s.View(ctx, func(tx *Txn) error {
				if ok, err := tx.Has(Key(tableTest, []byte("v3"))); ok || err != nil {
					t.Errorf("Has(v3 mark) = %v, %v; want false: the failed v3 must leave nothing", ok, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if b := backupFiles(t, dir); len(b) != 1 {
				t.Errorf("backups = %q; want the one taken before migrating", b)
			}
		})
	}
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	dir := seedV1(t)
	newer := []Migration{v1, splitNames(0), markV3(false)}
	s := openT(t, dir, Options{Migrations: newer})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	backupsBefore := backupFiles(t, dir)

	for _, list := range [][]Migration{{v1}, {v1, splitNames(0)}} {
		s, err := Open(ctx, dir, Options{Migrations: list})
		if !errors.Is(err, ErrSchemaTooNew) {
			if s != nil {
				s.Close()
			}
			t.Fatalf("Open(schema 3 with code at %d) = %v; want ErrSchemaTooNew", len(list), err)
		}
	}
	if b := backupFiles(t, dir); len(b) != len(backupsBefore) {
		t.Errorf("backups after refused opens = %q; want %q", b, backupsBefore)
	}

	s = openT(t, dir, Options{Migrations: newer})
	if got := schemaT(t, s); got != 3 {
		t.Errorf("Schema() = %d; want 3 (untouched)", got)
	}
	if got := readPeople[personV2](t, s)["p2"]; got != (personV2{"Grace", "Hopper"}) {
		t.Errorf("p2 = %+v; want data untouched by the refused opens", got)
	}
}

func TestFreshStoreStamped(t *testing.T) {
	tests := []struct {
		name       string
		migrations []Migration
		want       int
	}{
		{"built-in", nil, SchemaVersion()},
		{"custom", []Migration{v1, splitNames(0), markV3(false)}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var ran []int
			var list []Migration
			for _, m := range tt.migrations {
				apply := m.Apply
				m.Apply = func(tx *Txn) error { ran = append(ran, m.Version); return apply(tx) }
				list = append(list, m)
			}
			s := openT(t, dir, Options{Migrations: list})
			if got := schemaT(t, s); got != tt.want {
				t.Errorf("Schema() of a fresh store = %d; want %d", got, tt.want)
			}
			if list != nil && len(ran) != len(list) {
				t.Errorf("migrations run on a fresh store = %v; want all %d in order", ran, len(list))
			}
			for i := range ran {
				if ran[i] != i+1 {
					t.Errorf("migrations run = %v; want 1, 2, … in order", ran)
					break
				}
			}
			if b := backupFiles(t, dir); len(b) != 0 {
				t.Errorf("backups of a fresh store = %q; want none", b)
			}
		})
	}
}

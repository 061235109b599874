package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestOpenAfterKillLeftEmptyValueLog reproduces what a kill between
// Badger's creating a value-log file and sizing it leaves behind: an
// empty 0000NN.vlog after the last one. Open must repair it and keep
// every confirmed write, including values stored in the value log.
func TestOpenAfterKillLeftEmptyValueLog(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{Badger: smallValueLog})
	want := map[int]string{}
	for i := 0; i < 6; i++ {
		want[i] = strings.Repeat(fmt.Sprint(i), 200<<10) // above ValueThreshold
	}
	want[99] = "small"
	putAll(t, s, want)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	db := filepath.Join(dir, dbDirName)
	vlogs, _ := filepath.Glob(filepath.Join(db, "*.vlog"))
	if len(vlogs) == 0 {
		t.Fatal("no value-log file: the test no longer exercises the value log")
	}
	sort.Strings(vlogs)
	var last int
	fmt.Sscanf(filepath.Base(vlogs[len(vlogs)-1]), "%06d.vlog", &last)
	empty := filepath.Join(db, fmt.Sprintf("%06d.vlog", last+1))
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	s = openT(t, dir, Options{Badger: smallValueLog})
	checkData(t, s, want)
	more := map[int]string{7: strings.Repeat("7", 200<<10)}
	putAll(t, s, more)
	want[7] = more[7]
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, Options{Badger: smallValueLog})
	checkData(t, s, want)
}

// TestRepairLeavesOpenDatabaseAlone: the repair must not remove a file
// from a database another process has open (Badger holds its lock).
func TestRepairLeavesOpenDatabaseAlone(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{})
	db := filepath.Join(dir, dbDirName)
	empty := filepath.Join(db, "000999.vlog")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := repairEmptyValueLogs(db)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("repair of an open database = %v; want ErrLocked", err)
	}
	if _, err := os.Stat(empty); err != nil {
		t.Fatalf("the repair removed a file of an open database: %v", err)
	}
	_ = os.Remove(empty)
	_ = s
}

package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// repairEmptyValueLogs removes the value-log files a kill left empty.
//
// Badger creates a new value-log file (O_CREATE|O_EXCL), then sizes and
// maps it. A kill between the two leaves a file of zero bytes, and
// Badger's next Open refuses it ("Open existing file … Create a new
// file") for ever: the app would not start again. An empty file holds no
// value any key can point at, since values are written only after the
// file has its header, so removing it loses nothing; Badger then creates
// it afresh.
//
// The repair runs under Badger's own directory lock, so it never touches
// a database another process has open.
func repairEmptyValueLogs(path string) error {
	entries, err := os.ReadDir(path)
	if os.IsNotExist(err) {
		return nil // a new database
	}
	if err != nil {
		return fmt.Errorf("store: read %s: %w", path, err)
	}
	var empty []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".vlog") {
			continue
		}
		info, err := e.Info()
		if err == nil && info.Size() == 0 {
			empty = append(empty, filepath.Join(path, e.Name()))
		}
	}
	if len(empty) == 0 {
		return nil
	}
	return withDirLock(path, func() error {
		for _, f := range empty {
			// Checked again under the lock: the file may have grown.
			if info, err := os.Stat(f); err != nil || info.Size() != 0 {
				continue
			}
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("store: remove empty value log: %w", err)
			}
		}
		return nil
	})
}

//go:build dev

package app

import (
	"os"
	"path/filepath"
)

// RELAIS_DEV_SAVE_DIR=<dir> makes a dev build answer every save dialog with
// <dir>/<default file name>, as a user accepting the proposed name would:
// headless end-to-end tests cannot drive the native dialog that the CSV
// and ICS exports open. Release builds have no `dev` tag, so no such hook.
func init() {
	if dir := os.Getenv("RELAIS_DEV_SAVE_DIR"); dir != "" {
		devSaveDialog = func(name, _ string) (string, error) { return filepath.Join(dir, name), nil }
	}
}

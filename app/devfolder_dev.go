//go:build dev

package app

import "os"

// RELAIS_DEV_FOLDER_DIR=<dir> makes a dev build answer the folder dialog
// of the library's export with <dir>, as a user picking it would: headless
// end-to-end tests cannot drive the native dialog. Release builds have no
// `dev` tag, so no such hook.
func init() {
	if dir := os.Getenv("RELAIS_DEV_FOLDER_DIR"); dir != "" {
		devFolderDialog = func() (string, error) { return dir, nil }
	}
}

package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDataDir overrides the data directory (tests, portable installs).
const EnvDataDir = "RELAIS_DATA_DIR"

// DefaultDir returns where Relais keeps its data: $RELAIS_DATA_DIR when set,
// otherwise %AppData%\Relais on Windows, ~/Library/Application Support/Relais
// on macOS, and $XDG_DATA_HOME/relais (falling back to ~/.local/share/relais)
// elsewhere.
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvDataDir); d != "" {
		return filepath.Abs(d)
	}
	switch runtime.GOOS {
	case "windows", "darwin":
		base, err := os.UserConfigDir() // %AppData%, ~/Library/Application Support
		if err != nil {
			return "", err
		}
		return filepath.Join(base, "Relais"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "relais"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	if home == "" {
		return "", errors.New("store: no home directory")
	}
	return filepath.Join(home, ".local", "share", "relais"), nil
}

package store

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestDefaultDir(t *testing.T) {
	home := t.TempDir()
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	config, _ := os.UserConfigDir() // only used on windows and darwin
	tests := []struct {
		name     string
		relais   string // RELAIS_DATA_DIR
		xdg      string // XDG_DATA_HOME
		want     string
		unixOnly bool // XDG rules apply to Linux and the BSDs only
	}{
		{"override", "/srv/relais-data", "/xdg", "/srv/relais-data", false},
		{"override is cleaned", "/srv/relais-data/../other/", "", "/srv/other", false},
		{"relative override is made absolute", "portable/data", "", filepath.Join(cwd, "portable", "data"), false},
		{"XDG_DATA_HOME", "", "/xdg/data", "/xdg/data/relais", true},
		{"relative XDG_DATA_HOME is ignored", "", "rel/data", filepath.Join(home, ".local", "share", "relais"), true},
		{"no XDG_DATA_HOME", "", "", filepath.Join(home, ".local", "share", "relais"), true},
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		tests = append(tests, struct {
			name     string
			relais   string
			xdg      string
			want     string
			unixOnly bool
		}{"OS folder", "", "/xdg/data", filepath.Join(config, "Relais"), false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.unixOnly && (runtime.GOOS == "windows" || runtime.GOOS == "darwin") {
				t.Skip("XDG rules do not apply on " + runtime.GOOS)
			}
			if runtime.GOOS == "windows" && tt.name != "OS folder" {
				t.Skip("the expected paths are Unix paths")
			}
			t.Setenv(EnvDataDir, tt.relais)
			t.Setenv("XDG_DATA_HOME", tt.xdg)
			t.Setenv("HOME", home)
			got, err := DefaultDir()
			if err != nil || got != tt.want {
				t.Errorf("DefaultDir() with %s=%q XDG_DATA_HOME=%q = %q, %v; want %q, nil", EnvDataDir, tt.relais, tt.xdg, got, err, tt.want)
			}
		})
	}
}

func TestDefaultDirNoHome(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "plan9" {
		t.Skip("HOME rules differ on " + runtime.GOOS)
	}
	t.Setenv(EnvDataDir, "")
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "")
	if got, err := DefaultDir(); err == nil {
		t.Errorf("DefaultDir() without HOME = %q, nil; want an error", got)
	}
}

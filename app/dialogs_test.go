package app

import (
	"context"
	"testing"

	"relais/backend/settings"
)

// The OS draws file dialogs itself, so the backup filter's name comes from
// Go, in the language the user reads Relais in.
func TestBackupFilterFollowsTheLanguage(t *testing.T) {
	a, _, _ := libTestApp(t)
	ctx := context.Background()
	for _, c := range []struct{ lang, want string }{{"fr", "Sauvegarde Relais"}, {"en", "Relais backup"}} {
		if _, err := a.settings.SetPrefs(ctx, settings.Prefs{Language: c.lang, Theme: "system"}); err != nil {
			t.Fatal(err)
		}
		if got := a.backupFilter(ctx); got.DisplayName != c.want || got.Pattern != "*.relaisbak" {
			t.Errorf("%s: filter %+v, want %q for *.relaisbak", c.lang, got, c.want)
		}
	}
}

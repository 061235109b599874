//go:build dev

package app

import (
	"os"
	"strings"

	"relais/backend/network/mastodon/mastodontest"
)

// RELAIS_DEV_BROWSER=get makes a dev build fetch an authorization page
// itself instead of opening the system browser, as a user approving at once
// would: the end-to-end tests connect a Mastodon account through the fake
// instance this way. RELAIS_DEV_PINTEREST=<url> sends every Pinterest call
// (OAuth, API) to a fake (backend/network/pinterest/fakepinterest).
// Release builds have no `dev` tag, so no such hook.
func init() {
	if os.Getenv("RELAIS_DEV_BROWSER") == "get" {
		devOpenURL = mastodontest.Browser
	}
	devPinterest = strings.TrimRight(os.Getenv("RELAIS_DEV_PINTEREST"), "/")
}

package app

import (
	"net/http"
)

// AssetHandler serves what is not in the embedded frontend: pictures the
// backend makes (library thumbnails, renditions, account avatars cached on
// disk). The webview asks for them as ordinary same-origin URLs, so no
// image travels through the bound-method JSON. Features register their
// prefix with handle before the window loads.
func (a *App) AssetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.assetMu.RLock()
		mux := a.assetMux
		a.assetMu.RUnlock()
		if mux == nil {
			http.NotFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// handleAssets registers h for every path under prefix (e.g. "/library/").
func (a *App) handleAssets(prefix string, h http.Handler) {
	a.assetMu.Lock()
	defer a.assetMu.Unlock()
	if a.assetMux == nil {
		a.assetMux = http.NewServeMux()
	}
	a.assetMux.Handle(prefix, h)
}

// Command fakemastodon serves mastodontest's fake Mastodon instance on
// loopback for the end-to-end tests: it prints the instance's URL on one
// line, then serves until SIGTERM or SIGINT.
//
// GET /_test/hold?on=1 makes the authorization page stop at a sign-in form
// that nobody fills (a user who has not finished in the browser), so the
// tests can see Relais wait and cancel; on=0 approves at once again.
// POST /_test/revoke revokes every token, as a user removing the app in
// the instance's settings would (publishing then fails with 401).
// GET /_test/scheduled lists the statuses the instance holds for later
// (scheduled_at), so the tests can see a hand-off from outside Relais.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"relais/backend/network/mastodon/mastodontest"
)

func main() {
	f := mastodontest.NewFake()
	defer f.Close()
	var hold atomic.Bool
	inner := f.Config.Handler
	f.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/_test/hold":
			hold.Store(r.URL.Query().Get("on") == "1")
			io.WriteString(w, "{}")
		case r.URL.Path == "/_test/revoke" && r.Method == http.MethodPost:
			f.RevokeAll()
			io.WriteString(w, "{}")
		case r.URL.Path == "/_test/scheduled":
			held := f.ScheduledStatuses()
			if held == nil {
				held = []mastodontest.Scheduled{}
			}
			json.NewEncoder(w).Encode(held)
		case r.URL.Path == "/oauth/authorize" && hold.Load():
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html><title>Sign in</title><p>Sign in to authorize Relais.</p>")
		default:
			inner.ServeHTTP(w, r)
		}
	})
	fmt.Println(f.URL)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}

package facebook_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/facebook"
	"relais/backend/network/internal/resttest"
	"relais/backend/schedule"
)

// The scheduler and this publisher together: Graph 506 is "to verify";
// 190 fails the job with "reconnect"; 100 with "fix the text".
func TestWithScheduler(t *testing.T) {
	onFeed := func(r *http.Request) bool { return r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/feed") }
	cases := []struct {
		name   string
		faults []resttest.Fault
		token  string
		text   string
		state  schedule.State
		code   string
		want   []string
		posts  int
	}{
		{name: "506 for its own post, not yet listed", state: schedule.StatePublished, want: []string{"publish:unknown", "verify:found"}, posts: 1,
			faults: []resttest.Fault{
				{After: true, Match: onFeed, Answer: func(w http.ResponseWriter, r *http.Request) {
					graphError(w, 400, 506, 0, "(#506) Duplicate status message")
				}},
				{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/published_posts") },
					Answer: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":[]}`)) }},
			}},
		{name: "token invalidated", token: "EAAold", state: schedule.StateFailed, code: schedule.CodeRevoked, want: []string{"publish:failed"}},
		{name: "text refused", text: strings.Repeat("x", 63207), state: schedule.StateFailed, code: schedule.CodeInvalidText, want: []string{"publish:failed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, time.Now)
			for _, fl := range c.faults {
				f.faults.Add(fl)
			}
			acc := account.Account{ID: "page", WorkspaceID: "ws", Network: network.Facebook, Server: f.base,
				Profile: network.Profile{RemoteID: f.pageID}}
			tok := c.token
			if tok == "" {
				tok = f.token
			}
			text := c.text
			if text == "" {
				text = "Menu du jour : velouté de potimarron"
			}
			pl := schedule.Payload{Text: text, Media: []schedule.Media{{Data: resttest.JPEG(t, 64, 64), MIME: "image/jpeg", Alt: "Le velouté"}}}
			j := resttest.RunJob(t, &facebook.Publisher{}, acc, network.Token{Access: tok}, pl)
			if j.State != c.state || f.count() != c.posts {
				t.Fatalf("job %s with %d posts; want %s with %d: %v", j.State, f.count(), c.state, c.posts, resttest.Outcomes(j))
			}
			if got := resttest.Outcomes(j); !slices.Equal(got, c.want) {
				t.Errorf("attempts %v; want %v", got, c.want)
			}
			if c.code != "" && (j.Failure == nil || j.Failure.Code != c.code) {
				t.Errorf("failure %+v; want %s", j.Failure, c.code)
			}
		})
	}
}

package linkedin_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/linkedin"
	"relais/backend/schedule"
)

// The scheduler and this publisher together: 422 DUPLICATE_POST is "to
// verify", not a failure; a revoked token fails the job with "reconnect".
func TestWithScheduler(t *testing.T) {
	noPosts := resttest.Fault{Match: resttest.On("GET", "/rest/posts"),
		Answer: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"elements":[],"paging":{"start":0,"count":50}}`))
		}}
	dup := resttest.Fault{After: true, Match: resttest.On("POST", "/rest/posts"), Answer: func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(422)
		w.Write([]byte(`{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"Content is a duplicate of urn:li:share:1","errorDetails":{"inputErrors":[{"description":"Duplicate post is detected","input":{},"code":"DUPLICATE_POST"}]},"status":422}`))
	}}
	cases := []struct {
		name   string
		faults []resttest.Fault
		token  string
		state  schedule.State
		want   []string
		posts  int
	}{
		{name: "DUPLICATE_POST of its own post, not yet listed", faults: []resttest.Fault{dup, noPosts}, state: schedule.StatePublished,
			want: []string{"publish:unknown", "verify:found"}, posts: 1},
		{name: "revoked token", token: "revoked", state: schedule.StateFailed, want: []string{"publish:failed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, time.Now)
			for _, fl := range c.faults {
				f.faults.Add(fl)
			}
			acc := account.Account{ID: "page", WorkspaceID: "ws", Network: network.LinkedInPage, Server: f.srv.URL + "/rest/organizations/2414183",
				Profile: network.Profile{RemoteID: page}}
			tok := c.token
			if tok == "" {
				tok = f.token
			}
			pl := schedule.Payload{Text: "Nous recrutons ! #emploi", Media: []schedule.Media{{Data: resttest.JPEG(t, 64, 64), MIME: "image/jpeg", Alt: "L'équipe"}}}
			j := resttest.RunJob(t, &linkedin.Publisher{}, acc, network.Token{Access: tok}, pl)
			if j.State != c.state || f.count() != c.posts {
				t.Fatalf("job %s with %d posts; want %s with %d: %v", j.State, f.count(), c.state, c.posts, resttest.Outcomes(j))
			}
			if got := resttest.Outcomes(j); !slices.Equal(got, c.want) {
				t.Errorf("attempts %v; want %v", got, c.want)
			}
			if c.state == schedule.StateFailed && (j.Failure == nil || j.Failure.Code != schedule.CodeRevoked || j.Failure.Action != schedule.ActionReconnect) {
				t.Errorf("failure %+v; want revoked, reconnect", j.Failure)
			}
		})
	}
}

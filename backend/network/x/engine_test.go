package x_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/x"
	"relais/backend/schedule"
)

// The scheduler and this publisher together: answers lost or refused as
// duplicates end with the post published once, after a verification.
func TestWithScheduler(t *testing.T) {
	emptyTimeline := resttest.Fault{Match: resttest.On("GET", "/2/users/1700000000000000001/tweets"),
		Answer: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"meta":{"result_count":0}}`)) }}
	cases := []struct {
		name    string
		comment string
		faults  []resttest.Fault
		want    []string
		posts   int
	}{
		{name: "answer lost, comment added by the retry", comment: "Réservations au 01 23 45 67 89", posts: 2,
			faults: []resttest.Fault{{After: true, Match: resttest.On("POST", "/2/tweets"), Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) }}},
			want:   []string{"publish:unknown", "verify:not_found", "publish:published"}},
		{name: "stored but answered as a duplicate, not yet listed", posts: 1,
			faults: []resttest.Fault{
				{After: true, Match: resttest.On("POST", "/2/tweets"), Answer: func(w http.ResponseWriter, r *http.Request) {
					problem(w, 403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
				}},
				emptyTimeline},
			want: []string{"publish:unknown", "verify:found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeX(t, time.Now)
			for _, fl := range c.faults {
				f.faults.Add(fl)
			}
			acc := account.Account{ID: "acct", WorkspaceID: "ws", Network: network.X, Server: f.srv.URL,
				Profile: network.Profile{RemoteID: f.userID, Handle: "@relais_fr"}}
			pl := schedule.Payload{Text: "Concert ce soir à 20 h https://example.com/concert", FirstComment: c.comment,
				Media: []schedule.Media{{Data: resttest.PNG(t, 64, 36), MIME: "image/png", Alt: "La scène"}}}
			j := resttest.RunJob(t, &x.Publisher{}, acc, network.Token{Access: f.token}, pl)
			if j.State != schedule.StatePublished || f.count() != c.posts {
				t.Fatalf("job %s with %d posts; want published with %d: %v", j.State, f.count(), c.posts, resttest.Outcomes(j))
			}
			if got := resttest.Outcomes(j); !slices.Equal(got, c.want) {
				t.Errorf("attempts %v; want %v", got, c.want)
			}
			if j.Result.RemoteID != f.tweets[0].id || (c.comment != "" && j.Result.CommentID != f.tweets[1].id) {
				t.Errorf("result %+v", j.Result)
			}
		})
	}
}

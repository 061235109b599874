package pinterest_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/pinterest"
	"relais/backend/schedule"
)

// The scheduler and this publisher together: a lost answer is verified,
// not retried blindly (Pinterest would take a second identical Pin).
func TestWithScheduler(t *testing.T) {
	f := newFake(t, time.Now)
	f.faults.Add(resttest.Fault{After: true, Match: resttest.On("POST", "/v5/pins"), Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) }})
	acc := account.Account{ID: "pin", WorkspaceID: "ws", Network: network.Pinterest, Server: f.srv.URL + "/v5", Profile: network.Profile{RemoteID: "relais"}}
	pl := payload(t, 1)
	j := resttest.RunJob(t, &pinterest.Publisher{}, acc, network.Token{Access: f.token}, pl)
	if j.State != schedule.StatePublished || f.count() != 1 || j.Result.RemoteID != f.pins[0].id {
		t.Fatalf("job %s with %d Pins: %v", j.State, f.count(), resttest.Outcomes(j))
	}
	if got, want := resttest.Outcomes(j), []string{"publish:unknown", "verify:found"}; !slices.Equal(got, want) {
		t.Errorf("attempts %v; want %v", got, want)
	}
}

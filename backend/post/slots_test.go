package post_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"relais/backend/post"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// onMachineIn runs the calling test again in a child process whose own
// zone is zone (TZ), and tells whether this is that child: the test goes
// on only there. Setting time.Local inside the process instead is a data
// race with every running timer, which the race detector reports and
// which crashed its runtime in CI.
func onMachineIn(t *testing.T, zone string) bool {
	t.Helper()
	if os.Getenv("RELAIS_TEST_TZ") == zone {
		want := mustLoad(t, zone)
		at := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
		_, got := at.Local().Zone()
		if _, off := at.In(want).Zone(); got != off {
			t.Fatalf("the child's zone is %d s from UTC; want %s's %d", got, zone, off)
		}
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "TZ="+zone, "RELAIS_TEST_TZ="+zone)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("on a machine in %s: %v\n%s", zone, err, out)
	}
	t.Logf("ran on a machine in %s", zone)
	return false
}

// Slots are wall-clock times in the workspace's zone: 18:00 stays 18:00
// on both sides of a daylight-saving change, a time in the spring gap
// moves later by the gap, and a time in the autumn fold is its first
// occurrence. The machine's own zone never matters.
func TestSlotAtDST(t *testing.T) {
	if !onMachineIn(t, "Asia/Tokyo") { // a machine elsewhere than every workspace below
		return
	}

	tests := []struct {
		zone string
		date string // local date
		hhmm string
		want string // UTC
	}{
		// Europe/Paris: CET→CEST on 2027-03-28 at 02:00, CEST→CET on 2027-10-31 at 03:00.
		{"Europe/Paris", "2027-03-21", "18:00", "2027-03-21T17:00:00Z"},
		{"Europe/Paris", "2027-03-28", "18:00", "2027-03-28T16:00:00Z"},
		{"Europe/Paris", "2027-03-28", "01:59", "2027-03-28T00:59:00Z"},
		{"Europe/Paris", "2027-03-28", "02:30", "2027-03-28T01:30:00Z"}, // does not exist: 03:30 CEST
		{"Europe/Paris", "2027-03-28", "03:00", "2027-03-28T01:00:00Z"},
		{"Europe/Paris", "2027-10-31", "02:30", "2027-10-31T00:30:00Z"}, // twice: the first (CEST)
		{"Europe/Paris", "2027-10-31", "18:00", "2027-10-31T17:00:00Z"},
		{"Europe/Paris", "2027-10-24", "18:00", "2027-10-24T16:00:00Z"},
		// America/New_York: 2027-03-14 and 2027-11-07.
		{"America/New_York", "2027-03-13", "09:00", "2027-03-13T14:00:00Z"},
		{"America/New_York", "2027-03-14", "02:15", "2027-03-14T07:15:00Z"}, // gap: 03:15 EDT
		{"America/New_York", "2027-03-14", "09:00", "2027-03-14T13:00:00Z"},
		{"America/New_York", "2027-11-07", "01:30", "2027-11-07T05:30:00Z"}, // fold: EDT first
		{"America/New_York", "2027-11-07", "09:00", "2027-11-07T14:00:00Z"},
		// Australia/Sydney (southern hemisphere): AEDT ends 2027-04-04, starts 2027-10-03.
		{"Australia/Sydney", "2027-04-03", "18:00", "2027-04-03T07:00:00Z"},
		{"Australia/Sydney", "2027-04-04", "02:30", "2027-04-03T15:30:00Z"}, // fold: AEDT first
		{"Australia/Sydney", "2027-04-04", "18:00", "2027-04-04T08:00:00Z"},
		{"Australia/Sydney", "2027-10-03", "02:30", "2027-10-02T16:30:00Z"}, // gap: 03:30 AEDT
		{"Australia/Sydney", "2027-10-03", "18:00", "2027-10-03T07:00:00Z"},
	}
	for _, tt := range tests {
		loc := mustLoad(t, tt.zone)
		d, _ := time.Parse(time.DateOnly, tt.date)
		got, err := post.Slot{Weekday: int(d.Weekday()), Time: tt.hhmm}.At(d.Year(), d.Month(), d.Day(), loc)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format(time.RFC3339) != tt.want {
			t.Errorf("%s %s %s = %s (%s local); want %s", tt.zone, tt.date, tt.hhmm, got.Format(time.RFC3339), got.In(loc).Format("15:04 MST"), tt.want)
		}
	}
}

// A weekly slot across a DST change keeps its wall-clock time.
func TestNextSlotAcrossDST(t *testing.T) {
	if !onMachineIn(t, "America/Los_Angeles") {
		return
	}
	paris := mustLoad(t, "Europe/Paris")
	slots := []post.Slot{{AccountID: "a", Weekday: 2, Time: "18:00"}, {AccountID: "a", Weekday: 4, Time: "18:00"}}
	after := time.Date(2027, 3, 25, 17, 30, 0, 0, time.UTC) // Thursday 18:30 CET: today's slot has passed
	var got []string
	busy := map[time.Time]bool{}
	for range 4 {
		at, err := post.NextSlot(slots, paris, after, []string{"a"}, func(t time.Time, _ string) bool { return busy[t] })
		if err != nil {
			t.Fatal(err)
		}
		busy[at] = true
		got = append(got, at.In(paris).Format("Mon 2006-01-02 15:04 MST"))
	}
	want := []string{"Tue 2027-03-30 18:00 CEST", "Thu 2027-04-01 18:00 CEST", "Tue 2027-04-06 18:00 CEST", "Thu 2027-04-08 18:00 CEST"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("slot %d = %s; want %s", i, got[i], want[i])
		}
	}
	if _, err := post.NextSlot(slots, paris, after, []string{"b"}, nil); !errors.Is(err, post.ErrNoSlots) {
		t.Errorf("NextSlot for an account without slots = %v; want ErrNoSlots", err)
	}
	if _, err := post.NextSlot(slots, paris, after, nil, func(time.Time, string) bool { return true }); !errors.Is(err, post.ErrNoFreeSlot) {
		t.Errorf("NextSlot with every slot taken = %v; want ErrNoFreeSlot", err)
	}
}

func TestAddToQueue(t *testing.T) {
	if !onMachineIn(t, "Asia/Kolkata") {
		return
	}
	e := newEnv(t, "Australia/Sydney")
	ctx := context.Background()
	syd := mustLoad(t, "Australia/Sydney")
	e.now = time.Date(2027, 10, 1, 0, 0, 0, 0, time.UTC) // Friday 10:00 AEST
	if err := e.svc.SetSlots(ctx, e.w.ID, []post.Slot{{AccountID: e.x.ID, Weekday: 0, Time: "18:00"}, {AccountID: e.x.ID, Weekday: 0, Time: "18:00"}}); err != nil {
		t.Fatal(err)
	}
	if s, _ := e.svc.Slots(ctx, e.w.ID); len(s) != 1 {
		t.Errorf("Slots = %+v; want duplicates dropped", s)
	}
	if err := e.svc.SetSlots(ctx, e.w.ID, []post.Slot{{AccountID: e.x.ID, Weekday: 7, Time: "18:00"}}); !errors.Is(err, post.ErrBadSlot) {
		t.Errorf("weekday 7 = %v", err)
	}
	if err := e.svc.SetSlots(ctx, e.w.ID, []post.Slot{{AccountID: e.x.ID, Weekday: 1, Time: "25:00"}}); !errors.Is(err, post.ErrBadSlot) {
		t.Errorf("25:00 = %v", err)
	}
	if err := e.svc.SetSlots(ctx, e.w.ID, []post.Slot{{AccountID: "nope", Weekday: 1, Time: "10:00"}}); !errors.Is(err, post.ErrUnknownAccount) {
		t.Errorf("unknown account = %v", err)
	}
	var got []string
	for range 2 {
		p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "file", AccountIDs: []string{e.x.ID}})
		if err != nil {
			t.Fatal(err)
		}
		en, err := e.svc.AddToQueue(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, en.Due.In(syd).Format("2006-01-02 15:04 MST"))
	}
	// Sunday 3 October is the day AEDT starts; 18:00 stays 18:00.
	if got[0] != "2027-10-03 18:00 AEDT" || got[1] != "2027-10-10 18:00 AEDT" {
		t.Errorf("queue = %v", got)
	}
	p, _ := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "ig", AccountIDs: []string{e.ig.ID}})
	if _, err := e.svc.AddToQueue(ctx, p.ID); !errors.Is(err, post.ErrNoSlots) {
		t.Errorf("AddToQueue without slots = %v", err)
	}
}

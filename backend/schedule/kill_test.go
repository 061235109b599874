package schedule_test

// Proof (b): a child process (this test binary, re-executed with
// -test.run=^TestKillChild$) publishes a due batch to the fake Mastodon
// instance served by the parent, and is killed with SIGKILL at random
// moments, again and again. The instance answers each post late, so kills
// land between "the post exists" and "Relais knows". Then the parent
// restarts the engine on the same database until every job settles: no
// post twice, none missing, every interrupted attempt verified.

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/schedule"
	"relais/backend/store"
)

const (
	envKillDir    = "RELAIS_TEST_SCHED_KILL_DIR"
	envKillServer = "RELAIS_TEST_SCHED_KILL_SERVER"
	envKillTokens = "RELAIS_TEST_SCHED_KILL_TOKENS" // token=id,token=id…
	readyLine     = "relais-schedule-child-ready"
)

func killAccounts(server, spec string) *accounts {
	accts := &accounts{}
	for _, pair := range strings.Split(spec, ",") {
		tok, id, _ := strings.Cut(pair, "=")
		accts.add(account.Account{Network: network.Mastodon, Server: server, Profile: network.Profile{RemoteID: id}}, network.Token{Access: tok})
	}
	return accts
}

func killEngine(db *store.Store, accts *accounts) *schedule.Engine {
	pub := &mastodon.Publisher{HTTP: &http.Client{Timeout: 10 * time.Second}, PollInterval: 5 * time.Millisecond}
	return schedule.New(db, &payloads{}, accts, map[network.Name]schedule.Publisher{network.Mastodon: pub}, schedule.Options{
		Concurrency: 4, BackoffBase: 10 * time.Millisecond, BackoffMax: 200 * time.Millisecond, VerifyDelay: 5 * time.Millisecond,
		ProbeBase: 10 * time.Millisecond, ProbeMax: 100 * time.Millisecond, MaxRetries: 100,
	})
}

// TestKillChild is the child: it runs the engine until killed.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(envKillDir)
	if dir == "" {
		t.Skip("run by TestKillDuringPublish")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := killEngine(db, killAccounts(os.Getenv(envKillServer), os.Getenv(envKillTokens)))
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	fmt.Println(readyLine)
	time.Sleep(30 * time.Second) // killed long before
}

func TestKillDuringPublish(t *testing.T) {
	if os.Getenv(envKillDir) != "" {
		t.Skip("child")
	}
	f := mastodontest.NewFake()
	defer f.Close()
	f.Opts.IgnoreIdempotencyKey = true // the engine's own verification must do it
	f.Opts.Latency = 30 * time.Millisecond
	var pairs []string
	for range 5 {
		tok, id := f.NewAccount()
		pairs = append(pairs, tok+"="+id)
	}
	spec := strings.Join(pairs, ",")
	accts := killAccounts(f.URL, spec)

	n := 200
	if testing.Short() {
		n = 50
	}
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := killEngine(db, accts)
	now := time.Now().UTC()
	for i := range n {
		if _, err := e.Plan(ctx, schedule.Job{ID: fmt.Sprintf("job-%04d", i), WorkspaceID: "ws", PostID: fmt.Sprint("p", i), VariantID: "v",
			AccountID: fmt.Sprint("acct-", i%5), Network: network.Mastodon, Due: now.Add(time.Duration(i) * 5 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	kills := 0
	for round := 0; round < 12; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envKillDir+"="+dir, envKillServer+"="+f.URL, envKillTokens+"="+spec)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it a random while after its engine started (start-up time
		// varies a lot, under the race detector most of all).
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			ok := false
			for sc.Scan() {
				if sc.Text() == readyLine && !ok {
					ok = true
					ready <- true
				}
			}
			if !ok {
				ready <- false
			}
		}()
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			t.Fatal("the child did not start")
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
		if len(f.Statuses()) >= n+n/7 {
			break
		}
	}

	// Restart in this process and let it finish.
	db, err = store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e = killEngine(db, accts)
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	deadline := time.Now().Add(40 * time.Second)
	var jobs []schedule.Job
	for {
		jobs, err = e.Jobs(ctx, "ws", now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, j := range jobs {
			if j.State == schedule.StatePublished {
				done++
			}
		}
		if done == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d published after the kills", done, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	seen := map[string]int{}
	for _, s := range f.Statuses() {
		seen[s.Text]++
	}
	interrupted, found := 0, 0
	for _, j := range jobs {
		p, _ := (&payloads{}).Load(ctx, j.PostID, "")
		if seen[p.Text] != 1 {
			t.Errorf("%s: post exists %d times", j.ID, seen[p.Text])
		}
		if p.FirstComment != "" && seen[p.FirstComment] != 1 {
			t.Errorf("%s: comment exists %d times", j.ID, seen[p.FirstComment])
		}
		for _, a := range j.Attempts {
			switch a.Outcome {
			case schedule.OutcomeInterrupted:
				interrupted++
			case schedule.OutcomeFound:
				found++
			case schedule.OutcomeSending:
				t.Errorf("%s: attempt still sending", j.ID)
			}
		}
	}
	t.Logf("%d kills; %d attempts interrupted by a kill, %d verified as already published", kills, interrupted, found)
	if interrupted == 0 {
		t.Error("no kill landed during an attempt: the test proved nothing")
	}
}

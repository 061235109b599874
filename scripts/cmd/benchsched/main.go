//go:build unix

// Command benchsched measures the scheduler (scripts/bench-scheduler):
//
//  1. Due delay: 200 posts due over about 10 s (in bursts of 4) go to a
//     fake Mastodon instance on loopback through the real engine, clock
//     and Mastodon publisher; the delay is from each post's due time to
//     the moment its POST /api/v1/statuses reached the instance.
//  2. Idle: 10,000 posts scheduled over the coming month (the first one
//     hour away); the engine then idles for -idle seconds while its
//     wake-ups (alarm firings and loop iterations, counted through the
//     engine) and the process's context switches and CPU time
//     (/proc/self/status, /proc/self/stat) are measured.
//
// The last line is:   due_p99_ms <N> idle_wakeups_per_min <N>
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/schedule"
	"relais/backend/store"
)

type content struct{}

func (content) Load(_ context.Context, postID, _ string) (schedule.Payload, error) {
	return schedule.Payload{Text: "Publication " + postID + " #relais", Lang: "fr"}, nil
}

type accounts struct {
	acc account.Account
	tok network.Token
}

func (a *accounts) Fresh(context.Context, string) (network.Token, account.Account, error) {
	return a.tok, a.acc, nil
}

func (a *accounts) Renew(_ context.Context, id, _ string) (network.Token, account.Account, error) {
	return network.Token{}, a.acc, fmt.Errorf("%w: no renewal in the benchmark", network.ErrRevoked)
}

func (a *accounts) MarkRevoked(_ context.Context, id, why string) (account.Account, error) {
	return a.acc, fmt.Errorf("revoked %s: %s", id, why)
}

func main() {
	posts := flag.Int("posts", 200, "posts for the due-delay measure")
	idleJobs := flag.Int("jobs", 10000, "jobs scheduled for the idle measure")
	idle := flag.Duration("idle", 30*time.Second, "how long to measure idling")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "relais-bench-sched-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	p99 := dueDelay(filepath.Join(tmp, "due"), *posts)
	perMin := idling(filepath.Join(tmp, "idle"), *idleJobs, *idle)
	fmt.Printf("due_p99_ms %d idle_wakeups_per_min %s\n", p99, strconv.FormatFloat(perMin, 'f', -1, 64))
}

func open(dir string) *store.Store {
	db, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	return db
}

func dueDelay(dir string, n int) int64 {
	ctx := context.Background()
	f := mastodontest.NewFake()
	defer f.Close()
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	f.Opts.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses" {
			mu.Lock()
			if _, ok := arrived[r.Header.Get("Idempotency-Key")]; !ok {
				arrived[r.Header.Get("Idempotency-Key")] = time.Now()
			}
			mu.Unlock()
		}
		return false
	}
	db := open(dir)
	defer db.Close()
	accts := &accounts{acc: account.Account{ID: "acct", Network: network.Mastodon, Server: f.URL,
		Profile: network.Profile{RemoteID: mastodontest.AccountID}}, tok: network.Token{Access: f.NewToken()}}
	e := schedule.New(db, content{}, accts, map[network.Name]schedule.Publisher{network.Mastodon: &mastodon.Publisher{}}, schedule.Options{})
	if err := e.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	base := time.Now().Add(2 * time.Second)
	var jobs []schedule.Job
	for i := range n {
		jobs = append(jobs, schedule.Job{WorkspaceID: "ws", PostID: fmt.Sprint("p", i), VariantID: "v", AccountID: "acct",
			Network: network.Mastodon, Due: base.Add(time.Duration(i/4) * 200 * time.Millisecond), Zone: "Europe/Paris"})
	}
	jobs, err := e.PlanMany(ctx, jobs)
	if err != nil {
		log.Fatal(err)
	}
	deadline := base.Add(time.Duration(n/4)*200*time.Millisecond + 30*time.Second)
	for {
		mu.Lock()
		got := len(arrived)
		mu.Unlock()
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			for _, j := range jobs {
				mu.Lock()
				_, ok := arrived[j.Key]
				mu.Unlock()
				if !ok {
					cur, _ := e.Get(ctx, j.ID)
					log.Printf("not arrived: %s due %v state %s next %v attempts %+v", cur.ID, cur.Due, cur.State, cur.NextAt, cur.Attempts)
				}
			}
			log.Fatalf("only %d of %d posts reached the instance", got, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var delays []time.Duration
	mu.Lock()
	for _, j := range jobs {
		delays = append(delays, arrived[j.Key].Sub(j.Due))
	}
	mu.Unlock()
	slices.Sort(delays)
	pct := func(p float64) time.Duration { return delays[min(len(delays)-1, int(p*float64(len(delays))))] }
	fmt.Printf("due delay over %d posts: p50 %v, p99 %v, max %v\n", n, pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond))
	return pct(0.99).Milliseconds()
}

// usage returns the process's context switches (all threads) and CPU
// time.
func usage() (switches int64, cpu time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1, -1
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return ru.Nvcsw + ru.Nivcsw, cpu
}

func idling(dir string, n int, d time.Duration) float64 {
	ctx := context.Background()
	db := open(dir)
	defer db.Close()
	clock := schedule.NewRealClock()
	e := schedule.New(db, content{}, &accounts{}, map[network.Name]schedule.Publisher{network.Mastodon: &mastodon.Publisher{}}, schedule.Options{Clock: clock})
	start := time.Now().Add(time.Hour)
	jobs := make([]schedule.Job, 0, n)
	for i := range n {
		jobs = append(jobs, schedule.Job{WorkspaceID: fmt.Sprint("ws-", i%50), PostID: fmt.Sprint("p", i), VariantID: "v", AccountID: "acct",
			Network: network.Mastodon, Due: start.Add(time.Duration(rand.Int64N(int64(30 * 24 * time.Hour)))), Zone: "Europe/Paris"})
	}
	if _, err := e.PlanMany(ctx, jobs); err != nil {
		log.Fatal(err)
	}
	if err := e.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	time.Sleep(2 * time.Second) // let start-up settle
	w0 := e.Wakeups()
	s0, c0 := usage()
	time.Sleep(d)
	w1 := e.Wakeups()
	s1, c1 := usage()
	min := d.Minutes()
	fmt.Printf("idle with %d jobs over a month, %v: engine wake-ups %d; process (Go runtime and Badger included): %.0f context switches/min, CPU %.0f ms/min\n",
		n, d, w1-w0, float64(s1-s0)/min, float64(c1-c0)/float64(time.Millisecond)/min)
	// The same process with the engine stopped: what the store and the Go
	// runtime cost on their own.
	e.Close()
	s0, c0 = usage()
	time.Sleep(d)
	s1, c1 = usage()
	fmt.Printf("the same without the engine (store and runtime alone): %.0f context switches/min, CPU %.0f ms/min\n",
		float64(s1-s0)/min, float64(c1-c0)/float64(time.Millisecond)/min)
	return float64(w1-w0) / min
}

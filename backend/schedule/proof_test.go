package schedule_test

// Proof (a): a fault-injecting TCP proxy between Relais and the network.
// At random it drops the connection after the request reached the server
// (the answer is lost), delays it, or resets it before forwarding
// anything. Through it, N posts go to the real Bluesky server
// (RELAIS_PDS_URL) and to the fake Mastodon instance; at the end every
// post exists exactly once and every job says so.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/bluesky"
	"relais/backend/network/bluesky/pdstest"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/schedule"
	"relais/backend/store"
)

// faultProxy forwards TCP connections to target, injecting faults.
type faultProxy struct {
	ln     net.Listener
	target string
	// Probabilities per connection.
	drop, reset, delay float64
	counts             [4]atomic.Int64 // pass, drop, reset, delay
	wg                 sync.WaitGroup
}

func newFaultProxy(t testing.TB, target string, drop, reset, delay float64) *faultProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target, drop: drop, reset: reset, delay: delay}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *faultProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *faultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c.(*net.TCPConn))
	}
}

func abort(c *net.TCPConn) {
	c.SetLinger(0) // RST, not FIN
	c.Close()
}

func (p *faultProxy) handle(c *net.TCPConn) {
	r := rand.Float64()
	switch {
	case r < p.reset:
		// Reset before forwarding anything: the server never sees it.
		p.counts[2].Add(1)
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		c.Read(make([]byte, 512))
		abort(c)
		return
	case r < p.reset+p.delay:
		p.counts[3].Add(1)
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
	case r < p.reset+p.delay+p.drop:
		p.counts[1].Add(1)
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			abort(c)
			return
		}
		go io.Copy(up, c)
		// The first byte of the answer means the server handled the
		// request; the client never gets it.
		up.Read(make([]byte, 1))
		abort(c)
		up.Close()
		return
	default:
		p.counts[0].Add(1)
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		abort(c)
		return
	}
	go func() {
		io.Copy(up, c)
		up.(*net.TCPConn).CloseWrite()
	}()
	io.Copy(c, up)
	c.Close()
	up.Close()
}

func (p *faultProxy) String() string {
	return fmt.Sprintf("connections: %d passed, %d answers dropped, %d reset before sending, %d delayed",
		p.counts[0].Load(), p.counts[1].Load(), p.counts[2].Load(), p.counts[3].Load())
}

// payloads is a Content over generated posts: post i has a unique text.
type payloads struct {
	img []byte
	// every is how often a post carries an image (0: never).
	every int
}

func (c *payloads) Load(_ context.Context, postID, _ string) (schedule.Payload, error) {
	i, err := strconv.Atoi(strings.TrimPrefix(postID, "p"))
	if err != nil {
		return schedule.Payload{}, schedule.ErrGone
	}
	p := schedule.Payload{Text: fmt.Sprintf("Publication n°%d de la preuve 🎯 #relais", i), Lang: "fr"}
	if c.every > 0 && i%c.every == 0 {
		p.Media = []schedule.Media{{Data: c.img, MIME: "image/png", Alt: fmt.Sprintf("Image %d", i), Width: 32, Height: 18}}
	}
	if i%7 == 3 {
		p.FirstComment = fmt.Sprintf("Commentaire de la publication n°%d", i)
	}
	return p, nil
}

// accounts is an Accounts over fixed accounts, "acct-0", "acct-1"…
type accounts struct {
	acc []account.Account
	tok []network.Token
}

func (o *accounts) add(a account.Account, tok network.Token) {
	a.ID = fmt.Sprint("acct-", len(o.acc))
	o.acc, o.tok = append(o.acc, a), append(o.tok, tok)
}

func (o *accounts) Fresh(_ context.Context, id string) (network.Token, account.Account, error) {
	i, err := strconv.Atoi(strings.TrimPrefix(id, "acct-"))
	if err != nil || i >= len(o.acc) {
		return network.Token{}, account.Account{}, account.ErrNotFound
	}
	return o.tok[i], o.acc[i], nil
}

func (o *accounts) Renew(_ context.Context, id, _ string) (network.Token, account.Account, error) {
	return network.Token{}, account.Account{}, fmt.Errorf("unexpected renewal of %s", id)
}

func (o *accounts) MarkRevoked(_ context.Context, id, why string) (account.Account, error) {
	return account.Account{}, fmt.Errorf("unexpected revocation of %s: %s", id, why)
}

func tinyPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 18))
	for x := range 32 {
		img.Set(x, x%18, color.RGBA{200, 30, uint8(x * 8), 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func proofCount(t *testing.T, def int) int {
	if s := os.Getenv("RELAIS_PROOF_POSTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if testing.Short() {
		return def / 10
	}
	return def / raceScale
}

// runProof plans n posts due now and runs the engine until every job is
// settled; it returns the jobs.
func runProof(t *testing.T, n int, net network.Name, pub schedule.Publisher, accts *accounts, content schedule.Content, limit time.Duration) []schedule.Job {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var toVerify atomic.Int64
	e := schedule.New(db, content, accts, map[network.Name]schedule.Publisher{net: pub}, schedule.Options{
		Concurrency: 16, BackoffBase: 20 * time.Millisecond, BackoffMax: 500 * time.Millisecond, MaxRetries: 100,
		ProbeBase: 20 * time.Millisecond, ProbeMax: 200 * time.Millisecond, VerifyDelay: 10 * time.Millisecond, CallTimeout: 20 * time.Second,
		Events: func(ev schedule.Event) {
			if ev.Kind == schedule.EventToVerify {
				toVerify.Add(1)
			}
		},
	})
	now := time.Now().UTC()
	for i := range n {
		_, err := e.Plan(ctx, schedule.Job{ID: fmt.Sprintf("job-%04d", i), WorkspaceID: "ws", PostID: fmt.Sprint("p", i), VariantID: "v",
			AccountID: fmt.Sprint("acct-", i%len(accts.acc)), Network: net, Due: now, Zone: "Europe/Paris"})
		if err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	deadline := time.Now().Add(max(limit, time.Duration(n)*250*time.Millisecond))
	var jobs []schedule.Job
	for {
		jobs, err = e.Jobs(ctx, "ws", now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, j := range jobs {
			switch j.State {
			case schedule.StatePublished:
				done++
			case schedule.StateFailed:
				t.Fatalf("job %s failed: %+v", j.ID, j.Failure)
			}
		}
		if done == n {
			break
		}
		if time.Now().After(deadline) {
			for _, j := range jobs {
				if j.State != schedule.StatePublished {
					b, _ := json.Marshal(j)
					t.Logf("unsettled at %v: %s", time.Now().UTC(), b)
				}
			}
			t.Fatalf("%d of %d published after %v", done, n, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
	attempts := 0
	var slowest time.Duration
	for _, j := range jobs {
		attempts += len(j.Attempts)
		for _, a := range j.Attempts {
			slowest = max(slowest, a.Finished.Sub(a.Started))
		}
	}
	t.Logf("slowest attempt %v", slowest)
	t.Logf("%d posts published in %v; %d attempts (publishes and verifications), %d outcomes to verify",
		n, time.Since(start).Round(time.Millisecond), attempts, toVerify.Load())
	return jobs
}

func TestProofFaultyNetworkMastodon(t *testing.T) {
	for _, honour := range []bool{true, false} {
		name := "idempotency-key"
		if !honour {
			name = "no-idempotency-key" // the engine's look-up alone
		}
		t.Run(name, func(t *testing.T) {
			f := mastodontest.NewFake()
			defer f.Close()
			f.Opts.IgnoreIdempotencyKey = !honour
			proxy := newFaultProxy(t, strings.TrimPrefix(f.URL, "http://"), 0.1, 0.1, 0.1)
			pub := &mastodon.Publisher{HTTP: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}, PollInterval: 5 * time.Millisecond}
			// An agency's accounts: 20 on the instance.
			accts := &accounts{}
			for range 20 {
				tok, id := f.NewAccount()
				accts.add(account.Account{Network: network.Mastodon, Server: proxy.URL(), Profile: network.Profile{RemoteID: id}}, network.Token{Access: tok})
			}
			n := proofCount(t, 1000)
			jobs := runProof(t, n, network.Mastodon, pub, accts, &payloads{img: tinyPNG(t), every: 10}, 50*time.Second)
			t.Log(proxy)
			seen := map[string]int{}
			ids := map[string]bool{}
			for _, s := range f.Statuses() {
				seen[s.Text]++
				ids[s.ID] = true
			}
			content := &payloads{}
			for i, j := range jobs {
				p, _ := content.Load(context.Background(), j.PostID, "")
				if seen[p.Text] != 1 {
					t.Errorf("post %d exists %d times", i, seen[p.Text])
				}
				if p.FirstComment != "" && seen[p.FirstComment] != 1 {
					t.Errorf("comment of post %d exists %d times", i, seen[p.FirstComment])
				}
				if j.Result == nil || !ids[j.Result.RemoteID] {
					t.Errorf("job %s result %+v is not a status of the instance", j.ID, j.Result)
				}
			}
			created, replays := f.Counts()
			t.Logf("instance: %d statuses made, %d answers from an Idempotency-Key", created, replays)
		})
	}
}

// pdsAccount creates an account on the real server and opens a session
// for it with the Bluesky client, as connecting it in Relais does.
func pdsAccount(t *testing.T, server string) (did string, acc account.Account, tok network.Token) {
	t.Helper()
	a := pdstest.NewAccount(t, server)
	grants, err := (&bluesky.Client{}).Connect(context.Background(), network.Request{Server: server, Identifier: a.Handle, Password: a.Password})
	if err != nil {
		t.Fatal(err)
	}
	g := grants[0]
	return g.Profile.RemoteID, account.Account{Network: network.Bluesky, Server: server, Profile: g.Profile}, g.Token
}

// pdsTexts counts the account's posts by text, straight from the server.
func pdsTexts(t *testing.T, server, did string) map[string]int {
	t.Helper()
	out := map[string]int{}
	cursor := ""
	for {
		q := url.Values{"repo": {did}, "collection": {"app.bsky.feed.post"}, "limit": {"100"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		resp, err := http.Get(server + "/xrpc/com.atproto.repo.listRecords?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Cursor  string `json:"cursor"`
			Records []struct {
				Value struct {
					Text string `json:"text"`
				} `json:"value"`
			} `json:"records"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			out[r.Value.Text]++
		}
		if page.Cursor == "" || len(page.Records) == 0 {
			return out
		}
		cursor = page.Cursor
	}
}

func TestProofFaultyNetworkBluesky(t *testing.T) {
	server := pdstest.Server(t)
	u, _ := url.Parse(server)
	proxy := newFaultProxy(t, u.Host, 0.1, 0.1, 0.1)
	accts := &accounts{}
	var dids []string
	for range 4 {
		did, acc, tok := pdsAccount(t, server)
		acc.Server = proxy.URL()
		accts.add(acc, tok)
		dids = append(dids, did)
	}
	pub := &bluesky.Publisher{Client: &bluesky.Client{HTTP: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}}
	n := proofCount(t, 300)
	jobs := runProof(t, n, network.Bluesky, pub, accts, &payloads{img: tinyPNG(t), every: 20}, 100*time.Second)
	t.Log(proxy)
	seen := map[string]int{}
	for _, did := range dids {
		for text, c := range pdsTexts(t, server, did) {
			seen[text] += c
		}
	}
	content := &payloads{}
	total := 0
	for i, j := range jobs {
		p, _ := content.Load(context.Background(), j.PostID, "")
		if seen[p.Text] != 1 {
			t.Errorf("post %d exists %d times", i, seen[p.Text])
		}
		total++
		if p.FirstComment != "" {
			total++
			if seen[p.FirstComment] != 1 {
				t.Errorf("comment of post %d exists %d times", i, seen[p.FirstComment])
			}
		}
		if j.Result == nil || !strings.HasSuffix(j.Result.RemoteID, "/"+j.Key) {
			t.Errorf("job %s result %+v; want the record under its key %s", j.ID, j.Result, j.Key)
		}
	}
	sum := 0
	for _, c := range seen {
		sum += c
	}
	if sum != total {
		t.Errorf("%d records on the server; want %d", sum, total)
	}
}

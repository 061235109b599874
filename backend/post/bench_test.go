package post_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/post"
	"relais/backend/workspace"
)

// BenchmarkMonthQuery: the posts of one month of one workspace, out of
// 100,000 posts spread over 10 workspaces and the year 2027 (about 830 in
// the month asked for). Target: under 5 ms.
func BenchmarkMonthQuery(b *testing.B) {
	e := newEnv(b, "Europe/Paris")
	ctx := context.Background()
	wss := []string{e.w.ID}
	for i := 1; i < 10; i++ {
		w, err := e.ws.Create(ctx, workspace.Settings{Name: fmt.Sprint("Client ", i), Timezone: "Europe/Paris"})
		if err != nil {
			b.Fatal(err)
		}
		wss = append(wss, w.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	const total = 100_000
	posts := make([]post.Post, 0, total)
	for i := range total {
		due := start.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))).Truncate(time.Minute)
		posts = append(posts, post.Post{ID: fmt.Sprintf("p%07d", i), WorkspaceID: wss[i%len(wss)], Status: post.StatusDraft,
			Text: "Nouveau menu de printemps au Café Lumière : tartes, cafés de spécialité et pâtisseries maison. #café #printemps " + fmt.Sprint(i),
			Due:  due, Zone: "Europe/Paris", Labels: []string{"menu"}, CreatedAt: start, UpdatedAt: start,
			Variants: []post.Variant{{ID: "v1", AccountID: e.x.ID, Network: network.X, Assets: []post.AssetRef{{AssetID: "a1"}}},
				{ID: "v2", AccountID: e.ig.ID, Network: network.Instagram}}})
	}
	if err := post.BulkPut(ctx, e.svc, posts); err != nil {
		b.Fatal(err)
	}
	from, to := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)
	var n int
	for b.Loop() {
		es, err := e.svc.Range(ctx, e.w.ID, from, to)
		if err != nil {
			b.Fatal(err)
		}
		n = len(es)
	}
	if n < 700 || n > 1000 {
		b.Fatalf("month holds %d posts; want about 830", n)
	}
	b.ReportMetric(float64(n), "posts/op")
}

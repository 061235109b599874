package app

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"relais/backend/workspace"
)

// BenchmarkPostsRange is the Go side of the calendar's month
// (scripts/bench-calendar): Posts.Range over a month of 1,000 posts, and
// the JSON Wails makes of its result.
func BenchmarkPostsRange(b *testing.B) {
	a := New(nil)
	a.ctx = context.Background()
	if err := a.open(context.Background(), b.TempDir()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Shutdown(context.Background()) })
	w, err := a.Workspaces.Create(workspace.Settings{Name: "Bench", Timezone: "Europe/Paris"})
	if err != nil {
		b.Fatal(err)
	}
	statuses := []string{"idea", "draft", "review", "approved"}
	for i := range 1000 {
		due := time.Date(2027, 6, 1+i%30, 6, (i*37)%(12*60), 0, 0, time.UTC).Format(time.RFC3339)
		text := fmt.Sprintf("Publication %d : une idée pour le calendrier éditorial, avec un peu de texte", i+1)
		if _, err := a.Posts.Create(w.ID, Draft{Text: text, Due: due, Status: statuses[i%4]}); err != nil {
			b.Fatal(err)
		}
	}
	from, to := "2027-06-01T00:00:00Z", "2027-07-01T00:00:00Z"
	var n, size int
	for b.Loop() {
		l, err := a.Posts.Range(w.ID, from, to)
		if err != nil {
			b.Fatal(err)
		}
		// As Wails sends a result back.
		data, err := json.Marshal(struct {
			Result any `json:"result"`
		}{l})
		if err != nil {
			b.Fatal(err)
		}
		n, size = len(l), len(data)
	}
	if n != 1000 {
		b.Fatalf("Range = %d posts; want 1000", n)
	}
	b.ReportMetric(float64(size), "bytes")
}

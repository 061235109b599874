package workspace

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"relais/backend/blob"
	"relais/backend/store"
)

// postTable stands in for the posts table until it exists: what matters to
// start-up is that the database holds that many records besides workspaces.
const postTable byte = 0x40

// BenchmarkColdStart opens a store seeded with 50 workspaces and 10,000
// post-sized records (about 1.5 KB each) and lists the workspaces: what the
// app does before its first screen. Target: under 150 ms per op.
//
//	go test -run '^$' -bench ColdStart -benchtime 20x ./backend/workspace/
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := New(db, blob.New(db.BlobDir()))
	for i := range 50 {
		_, err := s.Create(ctx, Settings{Name: fmt.Sprintf("Client %02d", i), Color: "#336699",
			Timezone: "Europe/Paris", Language: "fr",
			BrandKit: BrandKit{Tone: strings.Repeat("Ton chaleureux. ", 20), Hashtags: []string{"#a", "#b"}},
			Pillars:  []Pillar{{Name: "Coulisses", Target: 30}, {Name: "Produits", Target: 50}},
			Charter:  Charter{Text: strings.Repeat("Soyez courtois. ", 40), BannedWords: []string{"x", "y"}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	type post struct {
		ID, Workspace, Text string
		Variants            []string
	}
	text := strings.Repeat("Un texte de publication réaliste avec #hashtags et un lien https://exemple.fr. ", 12)
	for i := 0; i < 10_000; i += 100 {
		err := db.Update(ctx, func(t *store.Txn) error {
			for j := i; j < i+100; j++ {
				id := fmt.Sprintf("%08d", j)
				if err := t.Put(store.Key(postTable, []byte(id)), post{ID: id, Workspace: "w", Text: text, Variants: []string{text[:300]}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	b.ResetTimer()
	for b.Loop() {
		db, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		list, err := New(db, blob.New(db.BlobDir())).List(ctx)
		if err != nil || len(list) != 50 {
			b.Fatalf("List = %d workspaces, %v", len(list), err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

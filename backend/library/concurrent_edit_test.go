package library

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"relais/backend/rendition"
	"relais/backend/store"
)

// TestConcurrentEditsKeepBoth: the alt text saved on blur and a crop saved
// by the cropper land on the same visual at the same moment. Both stay,
// in the database and in what the library answers.
func TestConcurrentEditsKeepBoth(t *testing.T) {
	l, db := openLib(t)
	a, _ := importOne(t, l, "ws", "landscape.jpg", readTestdata(t, "landscape.jpg"))
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		alt := fmt.Sprintf("Terrasse au soleil %d", i)
		crop := &rendition.Rect{X: i, Y: 0, W: 200, H: 200}
		tag := fmt.Sprintf("tag%d", i)
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		wg.Add(3)
		go func() { defer wg.Done(); _, err := l.Update(ctx, a.ID, Patch{Alt: &alt}); errs <- err }()
		go func() { defer wg.Done(); _, err := l.SetCrop(ctx, a.ID, "instagram-square", crop); errs <- err }()
		go func() { defer wg.Done(); errs <- l.BulkTag(ctx, []string{a.ID}, []string{tag}, nil) }()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var rec Asset
		if err := db.View(ctx, func(t *store.Txn) error { return t.Get(recKey(a.ID), &rec) }); err != nil {
			t.Fatal(err)
		}
		got, err := l.Get(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for where, x := range map[string]Asset{"stored": rec, "in memory": got} {
			if x.Alt != alt || x.Crops["instagram-square"] != *crop || !hasTag(x.Tags, tag) {
				t.Fatalf("round %d, %s: alt %q, crop %v, tags %v: an edit was lost", i, where, x.Alt, x.Crops["instagram-square"], x.Tags)
			}
		}
	}
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

package library

import (
	"context"
	"strings"
	"testing"

	"relais/backend/rendition"
	"relais/backend/store"
)

// Renditions made for a focal point or a crop a live visual no longer has
// are collected; the ones a live visual would ask for again stay, on every
// background, and whichever client's visual asks for them.
func TestCollectGarbageStaleRenditions(t *testing.T) {
	l, db := openLib(t)
	ctx := context.Background()
	data := readTestdata(t, "landscape.jpg")
	a, _ := importOne(t, l, "ws", "a.jpg", data)
	b, _ := importOne(t, l, "ws2", "b.jpg", data) // same source, another client
	if a.Blob != b.Blob {
		t.Fatal("same bytes, two blobs")
	}
	presets := []string{"x", "instagram-square", "instagram-story"}
	render := func(id, bg string) []Rendition {
		t.Helper()
		rs, err := l.Renditions(ctx, id, presets, bg)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	var old []Rendition
	old = append(old, render(a.ID, "")...)
	old = append(old, render(a.ID, "#2040c0")...)
	// b keeps the centred focal point a starts with: its renditions must
	// survive a's move.
	fx, fy := 0.1, 0.9
	if _, err := l.Update(ctx, a.ID, Patch{FocalX: &fx, FocalY: &fy}); err != nil {
		t.Fatal(err)
	}
	aNow := render(a.ID, "")
	// A hand crop of the square, then back to the focal point: the hand
	// crop's rendition is stale, the focal one current again.
	if _, err := l.SetCrop(ctx, a.ID, "instagram-square", &rendition.Rect{X: 0, Y: 0, W: 100, H: 100}); err != nil {
		t.Fatal(err)
	}
	hand := render(a.ID, "")
	if _, err := l.SetCrop(ctx, a.ID, "instagram-square", nil); err != nil {
		t.Fatal(err)
	}
	// b's centred renditions were made before a moved: same keys as a's
	// first ones (same source, crop and background).
	for i, r := range render(b.ID, "#2040c0") {
		if r.Key != old[len(presets)+i].Key || r.Blob != old[len(presets)+i].Blob {
			t.Fatalf("%s: b's rendition %s; want a's first %s, from the cache", r.Preset, r.Key, old[len(presets)+i].Key)
		}
	}
	// A record from before the crop was kept with it.
	legacy, _, _, err := l.blobs.Put(ctx, strings.NewReader("an old rendition"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *store.Txn) error {
		return tx.Put(renditionKey(a.Blob, "0123456789abcdef01234567"), renditionRecord{V: 1, Blob: legacy, Width: 1, Height: 1})
	}); err != nil {
		t.Fatal(err)
	}

	// Current: a's renditions at its new focal point, and every first one
	// (b, still centred, asks for them on white and on the brand colour).
	// Stale: the hand crop's square, and the legacy record.
	current := map[string]bool{} // cache keys
	keep := map[string]bool{}    // their blobs
	for _, r := range append(append([]Rendition{}, aNow...), old...) {
		current[r.Key], keep[r.Blob] = true, true
	}
	stale := map[string]bool{hand[1].Blob: true, legacy: true}
	for h := range stale {
		if keep[h] {
			t.Fatalf("test setup: stale blob %s is also a current one", h[:12])
		}
	}

	gc, err := l.CollectGarbage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for h := range stale {
		if l.blobs.Has(h) {
			t.Errorf("stale rendition blob %s kept", h[:12])
		}
	}
	for h := range keep {
		if !l.blobs.Has(h) {
			t.Errorf("current rendition blob %s removed", h[:12])
		}
	}
	if gc.Removed != len(stale) {
		t.Errorf("GC removed %d files; want the %d stale renditions", gc.Removed, len(stale))
	}
	var left []string
	db.View(ctx, func(tx *store.Txn) error {
		return tx.ScanKeys([]byte{TableRendition}, func(k []byte) error {
			left = append(left, string(k[1+len(a.Blob)+1:]))
			return nil
		})
	})
	for _, k := range left {
		if !current[k] {
			t.Errorf("stale rendition record %s kept", k)
		}
	}
	if len(left) != len(current) {
		t.Errorf("%d rendition records left; want the %d current ones", len(left), len(current))
	}
	// What stayed is served from the cache: nothing to make again.
	for _, id := range []string{a.ID, b.ID} {
		for _, bg := range []string{"", "#2040c0"} {
			plan, _ := l.Plan(ctx, id, presets, bg)
			if id == a.ID && bg != "" {
				continue // a's brand-coloured ones were for its old focal point
			}
			if !allMade(plan) {
				t.Errorf("%s on %q: current renditions lost their cache", id, bg)
			}
		}
	}
}

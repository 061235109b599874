// Command seed fills a Relais data directory with sample client workspaces,
// for start-up measurements (scripts/measure-start) and manual trials:
//
//	go run ./scripts/cmd/seed -n 50 /tmp/relais-data
//	RELAIS_DATA_DIR=/tmp/relais-data build/bin/relais
//
// It goes through the same backend packages as the app, so the data is
// exactly what the app would have written.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"relais/backend/blob"
	"relais/backend/store"
	"relais/backend/workspace"
)

var (
	brands = []string{"Café Lumière", "Boulangerie Martin", "Atelier Nord", "Vélo Libre", "Maison Ondine",
		"Les Jardins d'Ève", "Studio Kairos", "Brasserie du Port", "Librairie Page 42", "Fromagerie Alpage"}
	colours = []string{"#e11d48", "#ea580c", "#ca8a04", "#16a34a", "#0891b2", "#2563eb", "#7c3aed", "#c026d3", "#475569", "#0f766e"}
)

func main() {
	n := flag.Int("n", 50, "number of workspaces to create")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: seed [-n 50] DATA_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := seed(context.Background(), flag.Arg(0), *n); err != nil {
		log.Fatal(err)
	}
}

func seed(ctx context.Context, dir string, n int) error {
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		return err
	}
	ws := workspace.New(db, blob.New(db.BlobDir()))
	for i := range n {
		set := workspace.Settings{
			Name:     fmt.Sprintf("%s %02d", brands[i%len(brands)], i+1),
			Color:    colours[i%len(colours)],
			Timezone: "Europe/Paris",
			Language: "fr",
			BrandKit: workspace.BrandKit{
				Colors:    []string{colours[(i+3)%len(colours)], "#111827"},
				Tone:      "Chaleureux, direct, tutoiement. Pas de jargon.",
				Hashtags:  []string{"#local", "#artisan"},
				Signature: "— L'équipe",
			},
			Pillars: []workspace.Pillar{
				{Name: "Produits", Color: colours[(i+1)%len(colours)], Target: 40},
				{Name: "Coulisses", Color: colours[(i+5)%len(colours)], Target: 35},
				{Name: "Communauté", Color: colours[(i+7)%len(colours)], Target: 25},
			},
			Charter: workspace.Charter{
				Text:        "On répond à chaque commentaire sous 24 h, avec courtoisie.",
				BannedWords: []string{"gratuit", "promo choc"},
			},
		}
		if _, err := ws.Create(ctx, set); err != nil {
			_ = db.Close()
			return fmt.Errorf("workspace %d: %w", i+1, err)
		}
	}
	return db.Close()
}

// Command renditionbench is Relais's side of scripts/bench-renditions:
//
//	renditionbench gen FILE        write the 24 MP sample photo (6000×4000)
//	renditionbench sizes           print the eight main presets as WxH
//	renditionbench run FILE DIR    decode FILE once, write the eight main
//	                               renditions to DIR, print "ms <N> peak_rss_mb <N>"
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"relais/backend/peakmem"
	"relais/backend/rendition"
	"relais/backend/testphoto"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "renditionbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "gen":
		b, err := testphoto.Photo(6000, 4000, 1)
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], b, 0o644)
	case len(args) == 1 && args[0] == "sizes":
		for _, id := range rendition.Main {
			p, _ := rendition.Lookup(id)
			fmt.Printf("%s %dx%d\n", p.ID, p.Width, p.Height)
		}
		return nil
	case len(args) == 3 && args[0] == "run":
		start := time.Now()
		data, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		pic, err := rendition.Open(data, 1)
		if err != nil {
			return err
		}
		var jobs []rendition.Job
		for _, id := range rendition.Main {
			p, _ := rendition.Lookup(id)
			jobs = append(jobs, rendition.Job{Preset: p, Crop: rendition.FocalCrop(pic.W, pic.H, p, 0.5, 0.5)})
		}
		outs, err := rendition.Render(context.Background(), pic, jobs, rendition.White)
		if err != nil {
			return err
		}
		for _, o := range outs {
			if err := os.WriteFile(filepath.Join(args[2], o.Job.Preset.ID+".jpg"), o.Data, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("ms %d peak_rss_mb %d gomaxprocs %d\n", time.Since(start).Milliseconds(), peakmem.RSS()>>20, runtime.GOMAXPROCS(0))
		return nil
	}
	return fmt.Errorf("usage: renditionbench gen FILE | sizes | run FILE DIR")
}

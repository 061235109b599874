package rendition

import (
	"context"
	"testing"

	"relais/backend/peakmem"
	"relais/backend/testphoto"
)

func photo(tb testing.TB, w, h int, seed uint64) []byte {
	tb.Helper()
	b, err := testphoto.Photo(w, h, seed)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func mainJobs(p *Picture) []Job {
	var jobs []Job
	for _, id := range Main {
		pr, _ := Lookup(id)
		jobs = append(jobs, Job{Preset: pr, Crop: FocalCrop(p.W, p.H, pr, 0.5, 0.5)})
	}
	return jobs
}

// BenchmarkRenditions: one 24 MP JPEG (6000×4000) into the eight main
// presets, JPEG out, decode included.
func BenchmarkRenditions(b *testing.B) {
	data := photo(b, 6000, 4000, 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	peakmem.Reset()
	cpu0 := peakmem.CPU()
	for b.Loop() {
		p, err := Open(data, 1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Render(context.Background(), p, mainJobs(p), White); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per run says more than wall time on a shared machine.
	b.ReportMetric(float64((peakmem.CPU()-cpu0).Milliseconds())/float64(b.N), "cpu_ms/op")
	b.ReportMetric(float64(peakmem.RSS()>>20), "peakRSS_MB")
}

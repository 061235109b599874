package textfold

import (
	"fmt"
	"sync"
	"testing"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Café Lumière", "cafe lumiere"},
		{"  CAFÉ \t LUMIÈRE  ", "cafe lumiere"},
		{"Crème brûlée", "creme brulee"},
		{"Ærø Ñandú", "ærø nandu"}, // Æ and ø have no decomposition: kept, lowered
		{"東京 カフェ", "東京 カフェ"},
		{"", ""},
		{"e\u0301", "e"}, // already decomposed
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStripMarksKeepsCaseAndSpaces(t *testing.T) {
	if got := StripMarks(" Été  Noël "); got != " Ete  Noel " {
		t.Errorf("StripMarks = %q", got)
	}
}

// TestConcurrentUse folds from many goroutines at once. With one shared
// transform.Chain (how this code was first written) the race detector
// reports it, and without -race the chain's buffers end up corrupted: a
// slice-bounds panic on one call, then on every call after it.
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				in := fmt.Sprintf("Clïent %02d Lumière %d", g, i)
				want := fmt.Sprintf("client %02d lumiere %d", g, i)
				if got := Fold(in); got != want {
					errs <- fmt.Errorf("Fold(%q) = %q", in, got)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkFold(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Fold("Boulangerie Martin — Crème brûlée du dimanche")
	}
}

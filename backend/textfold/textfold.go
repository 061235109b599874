// Package textfold gives the forms text is compared in, so that "Café
// Lumière", "cafe  lumiere" and "CAFÉ LUMIÈRE" are one name.
//
// Every function is safe for concurrent use. That is the point of the
// package: a transform.Chain keeps its buffers between calls, so one shared
// by goroutines corrupts itself (a slice-bounds panic, then every later
// call fails the same way). Each call here takes a chain of its own from a
// pool.
package textfold

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var chains = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// StripMarks removes accents and other combining marks: "Crème brûlée"
// becomes "Creme brulee". Text the transformer cannot read comes back as
// it was.
func StripMarks(s string) string {
	t := chains.Get().(transform.Transformer)
	defer chains.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// Fold is the form names and search text are compared in: marks removed,
// lower case, runs of spaces made one and trimmed.
func Fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(StripMarks(s)), " "))
}

package library

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Query filters the library. Zero fields do not filter.
type Query struct {
	Workspace   string    // "" = every workspace
	Text        string    // every word must appear in the name, a tag or the alt text
	Tags        []string  // every tag must be present
	Orientation string    // portrait, landscape, square
	SizeClass   string    // small, medium, large (see Asset.SizeClass)
	From, To    time.Time // the asset's date (taken, else imported) in [From, To)
	Used        string    // any, used, unused
	Offset      int
	Limit       int // 0 = DefaultLimit; at most MaxLimit
}

// Paging bounds.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Page is one page of results and the total number of matches.
type Page struct {
	Total  int
	Assets []Asset
}

// Date is the date an asset is filed under: when it was taken if known,
// otherwise when it was imported.
func (a Asset) Date() time.Time {
	if !a.TakenAt.IsZero() {
		return a.TakenAt
	}
	return a.ImportedAt
}

// Search returns the assets matching q, newest import first.
func (l *Library) Search(_ context.Context, q Query) (Page, error) {
	switch q.Orientation {
	case "", "portrait", "landscape", "square":
	default:
		return Page{}, fmt.Errorf("%w: orientation %q", ErrInvalid, q.Orientation)
	}
	switch q.SizeClass {
	case "", "small", "medium", "large":
	default:
		return Page{}, fmt.Errorf("%w: size class %q", ErrInvalid, q.SizeClass)
	}
	switch q.Used {
	case "", "any", "used", "unused":
	default:
		return Page{}, fmt.Errorf("%w: used %q", ErrInvalid, q.Used)
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	q.Offset = max(q.Offset, 0)
	words := strings.Fields(fold(q.Text))
	tags := make([]string, 0, len(q.Tags))
	for _, t := range q.Tags {
		if f := fold(t); f != "" {
			tags = append(tags, f)
		}
	}

	l.mu.Lock()
	if l.dirty {
		l.order = l.order[:0]
		for _, e := range l.byID {
			l.order = append(l.order, e)
		}
		sort.Slice(l.order, func(i, j int) bool {
			a, b := l.order[i].a, l.order[j].a
			if !a.ImportedAt.Equal(b.ImportedAt) {
				return a.ImportedAt.After(b.ImportedAt)
			}
			return a.ID > b.ID
		})
		l.dirty = false
	}
	l.mu.Unlock()

	l.mu.RLock()
	defer l.mu.RUnlock()
	page := Page{Assets: []Asset{}}
outer:
	for _, e := range l.order {
		a := &e.a
		if l.dirty && l.byID[a.ID] != e { // deleted since the order was built
			continue
		}
		if q.Workspace != "" && a.Workspace != q.Workspace {
			continue
		}
		if q.Orientation != "" && a.Orientation() != q.Orientation {
			continue
		}
		if q.SizeClass != "" && a.SizeClass() != q.SizeClass {
			continue
		}
		if q.Used == "used" && len(e.usage) == 0 || q.Used == "unused" && len(e.usage) > 0 {
			continue
		}
		if !q.From.IsZero() || !q.To.IsZero() {
			d := a.Date()
			if !q.From.IsZero() && d.Before(q.From) || !q.To.IsZero() && !d.Before(q.To) {
				continue
			}
		}
		for _, t := range tags {
			if !e.tags[t] {
				continue outer
			}
		}
		for _, w := range words {
			if !strings.Contains(e.text, w) {
				continue outer
			}
		}
		if page.Total >= q.Offset && len(page.Assets) < q.Limit {
			page.Assets = append(page.Assets, e.snapshot())
		}
		page.Total++
	}
	return page, nil
}

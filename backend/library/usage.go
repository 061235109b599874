package library

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"relais/backend/store"
)

func usageKey(asset, post string) []byte {
	return store.Key(TableAssetUsage, []byte(asset), sep, []byte(post))
}

func postKey(post, asset string) []byte {
	return store.Key(IndexUsagePost, []byte(post), sep, []byte(asset))
}

// MarkUsed records that post uses asset; scheduled says whether the post
// is scheduled (deleting the asset then asks first). Marking again updates
// the flag.
func (l *Library) MarkUsed(ctx context.Context, asset, post string, scheduled bool) error {
	if post == "" || strings.ContainsRune(post, 0) {
		return fmt.Errorf("%w: post id %q", ErrInvalid, post)
	}
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	l.mu.RLock()
	ok := l.byID[asset] != nil
	l.mu.RUnlock()
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, asset)
	}
	err := l.db.Update(ctx, func(t *store.Txn) error {
		if has, err := t.Has(recKey(asset)); err != nil || !has {
			if err == nil {
				err = fmt.Errorf("%w: %s", ErrNotFound, asset)
			}
			return err
		}
		if err := t.Put(usageKey(asset, post), Usage{Post: post, Scheduled: scheduled}); err != nil {
			return err
		}
		return t.SetIndex(postKey(post, asset))
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	if e := l.byID[asset]; e != nil {
		e.usage[post] = scheduled
	}
	l.mu.Unlock()
	return nil
}

// Unmark records that post no longer uses asset.
func (l *Library) Unmark(ctx context.Context, asset, post string) error {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	err := l.db.Update(ctx, func(t *store.Txn) error {
		if err := t.Delete(usageKey(asset, post)); err != nil {
			return err
		}
		return t.Delete(postKey(post, asset))
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	if e := l.byID[asset]; e != nil {
		delete(e.usage, post)
	}
	l.mu.Unlock()
	return nil
}

// UnmarkPost forgets every asset a post used (the post was deleted).
func (l *Library) UnmarkPost(ctx context.Context, post string) error {
	assets, err := l.AssetsOf(ctx, post)
	if err != nil {
		return err
	}
	for _, a := range assets {
		if err := l.Unmark(ctx, a, post); err != nil {
			return err
		}
	}
	return nil
}

// AssetsOf lists the assets a post uses.
func (l *Library) AssetsOf(ctx context.Context, post string) ([]string, error) {
	var out []string
	prefix := store.Key(IndexUsagePost, []byte(post), sep)
	err := l.db.View(ctx, func(t *store.Txn) error {
		return t.ScanKeys(prefix, func(key []byte) error {
			out = append(out, string(key[len(prefix):]))
			return nil
		})
	})
	return out, err
}

// UsedBy lists the posts using an asset.
func (l *Library) UsedBy(_ context.Context, asset string) ([]Usage, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e := l.byID[asset]
	if e == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, asset)
	}
	out := make([]Usage, 0, len(e.usage))
	for p, s := range e.usage {
		out = append(out, Usage{Post: p, Scheduled: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Post < out[j].Post })
	return out, nil
}

package post

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"relais/backend/store"
	"relais/backend/workspace"
)

// Campaigns, hashtag groups and snippets are small tables (tens per
// workspace): each record lives under its table + id and a workspace's
// list is a filtered scan of the table.

func campaignKey(id string) []byte { return store.Key(store.TableCampaign, []byte(id)) }
func groupKey(id string) []byte    { return store.Key(store.TableHashtagGroup, []byte(id)) }
func snippetKey(id string) []byte  { return store.Key(store.TableSnippet, []byte(id)) }

var colorRE = regexp.MustCompile(`^#[0-9a-f]{6}$`)

func listOf[T any](ctx context.Context, s *Service, table byte, keep func(*T) bool) ([]T, error) {
	out := []T{}
	err := s.db.View(ctx, func(t *store.Txn) error {
		return t.Scan([]byte{table}, func(_ []byte, decode func(any) error) error {
			var v T
			if err := decode(&v); err != nil {
				return err
			}
			if keep(&v) {
				out = append(out, v)
			}
			return nil
		})
	})
	return out, err
}

// save stores rec under key after checking that the workspace exists and,
// for an existing id, that the record stays in its workspace.
func saveRec[T any](ctx context.Context, s *Service, key func(string) []byte, id *string, ws string, rec *T, wsOf func(*T) string) error {
	if _, err := s.workspaces.Get(ctx, ws); err != nil {
		if errors.Is(err, workspace.ErrNotFound) {
			return fmt.Errorf("%w: %s", ErrNoWorkspace, ws)
		}
		return err
	}
	return s.db.Update(ctx, func(t *store.Txn) error {
		if *id == "" {
			*id = newID()
		} else {
			var cur T
			err := t.Get(key(*id), &cur)
			if err == nil && wsOf(&cur) != ws {
				return fmt.Errorf("%w: %s", ErrNotFound, *id)
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return t.Put(key(*id), rec)
	})
}

// deleteRec removes the record at key and returns its workspace.
func deleteRec(ctx context.Context, s *Service, key []byte) (string, error) {
	var rec struct {
		WorkspaceID string `json:"workspaceId"`
	}
	err := s.db.Update(ctx, func(t *store.Txn) error {
		if err := t.Get(key, &rec); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return ErrNotFound
			}
			return err
		}
		return t.Delete(key)
	})
	return rec.WorkspaceID, err
}

func cleanName(field, name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", fieldErr(field, ErrNameEmpty, nil)
	}
	if utf8.RuneCountInString(name) > MaxNameLen {
		return "", fieldErr(field, ErrTooLong, map[string]any{"max": MaxNameLen})
	}
	return name, nil
}

// Campaigns lists a workspace's campaigns by start date then name.
func (s *Service) Campaigns(ctx context.Context, workspaceID string) ([]Campaign, error) {
	out, err := listOf(ctx, s, store.TableCampaign, func(c *Campaign) bool { return c.WorkspaceID == workspaceID })
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out, err
}

// SaveCampaign creates (empty id) or replaces a campaign.
func (s *Service) SaveCampaign(ctx context.Context, c Campaign) (Campaign, error) {
	var err error
	if c.Name, err = cleanName("name", c.Name); err != nil {
		return Campaign{}, err
	}
	c.Color = strings.ToLower(strings.TrimSpace(c.Color))
	if c.Color == "" {
		c.Color = "#0ea5e9"
	}
	if !colorRE.MatchString(c.Color) {
		return Campaign{}, fieldErr("color", ErrInvalidColor, map[string]any{"value": c.Color})
	}
	c.Start, c.End = c.Start.UTC(), c.End.UTC()
	if !c.Start.IsZero() && !c.End.IsZero() && c.End.Before(c.Start) {
		return Campaign{}, fieldErr("end", ErrCampaignDates, nil)
	}
	if err := c.Brief.normalize("brief"); err != nil {
		return Campaign{}, err
	}
	if c.Brief != nil && *c.Brief == (Brief{}) {
		c.Brief = nil
	}
	err = saveRec(ctx, s, campaignKey, &c.ID, c.WorkspaceID, &c, func(x *Campaign) string { return x.WorkspaceID })
	return c, err
}

// unlinkBatch is how many posts one transaction of DeleteCampaign
// unlinks: well under Badger's transaction size limit.
const unlinkBatch = 500

// DeleteCampaign removes a campaign and says whose it was. Its posts stay
// in the plan without a campaign: a post left pointing at a deleted
// campaign could never be saved again (ErrUnknownCampaign). Each unlinked
// post gets a new version, so an editor still open on one reloads rather
// than saving the old link back. The campaign goes in the transaction
// that unlinks its last posts, so an interrupted delete leaves it there
// to be deleted again.
func (s *Service) DeleteCampaign(ctx context.Context, id string) (workspaceID string, err error) {
	for {
		var changed []Post // before, after, before, after…
		done := false
		err := s.db.Update(ctx, func(t *store.Txn) error {
			changed, done = changed[:0], false
			var c Campaign
			if err := t.Get(campaignKey(id), &c); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("%w: %s", ErrNotFound, id)
				}
				return err
			}
			workspaceID = c.WorkspaceID
			// The calendar entries carry the campaign: no post is read but
			// the campaign's own.
			var keys [][]byte
			var entries []storedEntry
			err := t.Scan(wsPrefix(store.TablePostEntry, c.WorkspaceID), func(k []byte, decode func(any) error) error {
				var se storedEntry
				if err := decode(&se); err != nil {
					return err
				}
				if se.C == id && len(keys) < unlinkBatch+1 {
					keys, entries = append(keys, k), append(entries, se)
				}
				return nil
			})
			if err != nil {
				return err
			}
			done = len(keys) <= unlinkBatch
			keys = keys[:min(len(keys), unlinkBatch)]
			now := s.now().UTC()
			for i, k := range keys {
				e, err := entryAt(k, entries[i])
				if err != nil {
					return err
				}
				var p Post
				if err := getTx(t, e.ID, &p); err != nil {
					return err
				}
				before := p
				p.CampaignID, p.Version, p.UpdatedAt = "", p.Version+1, now
				se := entries[i]
				se.C = ""
				if err := t.Put(k, se); err != nil {
					return err
				}
				if err := t.Put(recKey(p.ID), p); err != nil {
					return err
				}
				changed = append(changed, before, p)
			}
			if done {
				return t.Delete(campaignKey(id))
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		for i := 0; i < len(changed); i += 2 {
			s.changed(ctx, &changed[i], &changed[i+1])
		}
		if done {
			return workspaceID, nil
		}
	}
}

// CampaignPosts counts the posts of each of a workspace's campaigns, by
// campaign id; a campaign without posts is absent.
func (s *Service) CampaignPosts(ctx context.Context, workspaceID string) (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(ctx, func(t *store.Txn) error {
		return t.Scan(wsPrefix(store.TablePostEntry, workspaceID), func(_ []byte, decode func(any) error) error {
			var se storedEntry
			if err := decode(&se); err != nil {
				return err
			}
			if se.C != "" {
				out[se.C]++
			}
			return nil
		})
	})
	return out, err
}

// HashtagGroups lists a workspace's hashtag groups by name.
func (s *Service) HashtagGroups(ctx context.Context, workspaceID string) ([]HashtagGroup, error) {
	out, err := listOf(ctx, s, store.TableHashtagGroup, func(g *HashtagGroup) bool { return g.WorkspaceID == workspaceID })
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, err
}

// SaveHashtagGroup creates or replaces a hashtag group; each tag is
// stored with one leading #.
func (s *Service) SaveHashtagGroup(ctx context.Context, g HashtagGroup) (HashtagGroup, error) {
	var err error
	if g.Name, err = cleanName("name", g.Name); err != nil {
		return HashtagGroup{}, err
	}
	g.Tags, err = cleanList("tags", g.Tags, MaxTags, func(h string) string {
		h = strings.TrimLeft(h, "#＃")
		if h == "" {
			return ""
		}
		return "#" + strings.Join(strings.Fields(h), "")
	})
	if err != nil {
		return HashtagGroup{}, err
	}
	err = saveRec(ctx, s, groupKey, &g.ID, g.WorkspaceID, &g, func(x *HashtagGroup) string { return x.WorkspaceID })
	return g, err
}

// DeleteHashtagGroup removes a hashtag group and says whose it was.
func (s *Service) DeleteHashtagGroup(ctx context.Context, id string) (workspaceID string, err error) {
	return deleteRec(ctx, s, groupKey(id))
}

// Snippets lists a workspace's text snippets by name.
func (s *Service) Snippets(ctx context.Context, workspaceID string) ([]Snippet, error) {
	out, err := listOf(ctx, s, store.TableSnippet, func(x *Snippet) bool { return x.WorkspaceID == workspaceID })
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, err
}

// SaveSnippet creates or replaces a snippet.
func (s *Service) SaveSnippet(ctx context.Context, sn Snippet) (Snippet, error) {
	var err error
	if sn.Name, err = cleanName("name", sn.Name); err != nil {
		return Snippet{}, err
	}
	if err := checkLen("text", sn.Text, MaxTextLen); err != nil {
		return Snippet{}, err
	}
	err = saveRec(ctx, s, snippetKey, &sn.ID, sn.WorkspaceID, &sn, func(x *Snippet) string { return x.WorkspaceID })
	return sn, err
}

// DeleteSnippet removes a snippet and says whose it was.
func (s *Service) DeleteSnippet(ctx context.Context, id string) (workspaceID string, err error) {
	return deleteRec(ctx, s, snippetKey(id))
}

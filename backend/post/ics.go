package post

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ICS export of the plan, written with github.com/arran4/golang-ical: the
// most used Go iCalendar library, kept up to date, which folds long lines
// and escapes text as RFC 5545 asks (the parts easy to get wrong by hand).
// Each dated post is one VEVENT with a stable UID (<post id>@relais), so a
// calendar that re-imports or re-subscribes to the file updates events
// instead of duplicating them. Times are written in UTC; the calendar
// carries the workspace's zone in X-WR-TIMEZONE for clients that show it.

// ICSDuration is how long an event lasts in the exported calendar.
const ICSDuration = 15 * time.Minute

// ExportICS writes a workspace's dated posts (past and future, over a
// year either side of now) as an iCalendar file.
func (s *Service) ExportICS(ctx context.Context, workspaceID string, w io.Writer) (int, error) {
	ws, err := s.workspaces.Get(ctx, workspaceID)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNoWorkspace, err)
	}
	now := s.now().UTC()
	entries, err := s.Range(ctx, workspaceID, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0))
	if err != nil {
		return 0, err
	}
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Relais//Editorial plan//FR")
	cal.SetXWRCalName(ws.Name)
	cal.SetXWRTimezone(ws.Timezone)
	cal.SetRefreshInterval("PT1H")
	camps, _ := s.Campaigns(ctx, workspaceID)
	campName := map[string]string{}
	for _, c := range camps {
		campName[c.ID] = c.Name
	}
	for _, e := range entries {
		p, err := s.load(ctx, e.ID)
		if err != nil {
			return 0, err
		}
		ev := cal.AddEvent(p.ID + "@relais")
		ev.SetDtStampTime(p.UpdatedAt)
		ev.SetCreatedTime(p.CreatedAt)
		ev.SetModifiedAt(p.UpdatedAt)
		ev.SetStartAt(p.Due)
		ev.SetEndAt(p.Due.Add(ICSDuration))
		nets := make([]string, len(e.Networks))
		for i, n := range e.Networks {
			nets[i] = string(n)
		}
		summary := e.Excerpt
		if len(nets) > 0 {
			summary = "[" + strings.Join(nets, ", ") + "] " + summary
		}
		ev.SetSummary(summary)
		desc := p.Text
		if c := campName[p.CampaignID]; c != "" {
			desc += "\n\n" + c
		}
		ev.SetDescription(desc)
		switch p.Status {
		case StatusScheduled, StatusPublished:
			ev.SetStatus(ics.ObjectStatusConfirmed)
		default:
			ev.SetStatus(ics.ObjectStatusTentative)
		}
		if len(p.Labels) > 0 {
			ev.AddProperty(ics.ComponentPropertyCategories, strings.Join(p.Labels, ","))
		}
	}
	if err := cal.SerializeTo(w); err != nil {
		return 0, err
	}
	return len(entries), nil
}

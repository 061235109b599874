package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"relais/backend/settings"
)

// placeWindow restores the last size and place, keeping the window on a
// screen that still exists (a laptop unplugged from its second monitor).
func (a *App) placeWindow(ctx context.Context) {
	_, set, _, err := a.services()
	if err != nil {
		runtime.WindowSetSize(ctx, DefaultWidth, DefaultHeight)
		runtime.WindowCenter(ctx)
		return
	}
	w, ok, err := set.Window(ctx)
	if err != nil || !ok {
		runtime.WindowSetSize(ctx, DefaultWidth, DefaultHeight)
		runtime.WindowCenter(ctx)
		return
	}
	maxW, maxH := screenBounds(ctx)
	if maxW > 0 {
		w = fit(w, maxW, maxH)
	}
	runtime.WindowSetSize(ctx, w.Width, w.Height)
	runtime.WindowSetPosition(ctx, w.X, w.Y)
	if w.Maximised {
		runtime.WindowMaximise(ctx)
	}
}

// screenBounds returns the largest screen's size; Wails does not report
// screen positions, so this bounds rather than maps the virtual desktop.
func screenBounds(ctx context.Context) (int, int) {
	screens, err := runtime.ScreenGetAll(ctx)
	if err != nil {
		return 0, 0
	}
	var w, h int
	for _, s := range screens {
		w = max(w, s.Size.Width)
		h = max(h, s.Size.Height)
	}
	return w, h
}

// fit keeps a saved geometry visible on a screen of maxW×maxH.
func fit(w settings.Window, maxW, maxH int) settings.Window {
	w.Width = min(w.Width, maxW)
	w.Height = min(w.Height, maxH)
	if w.X < 0 || w.X > maxW-100 {
		w.X = max(0, (maxW-w.Width)/2)
	}
	if w.Y < 0 || w.Y > maxH-100 {
		w.Y = max(0, (maxH-w.Height)/2)
	}
	return w
}

func (a *App) saveWindow(ctx context.Context) {
	_, set, _, err := a.services()
	if err != nil {
		return
	}
	var w settings.Window
	w.Maximised = runtime.WindowIsMaximised(ctx)
	if w.Maximised {
		// Keep the size the window returns to when unmaximised.
		if old, ok, _ := set.Window(ctx); ok {
			w.X, w.Y, w.Width, w.Height = old.X, old.Y, old.Width, old.Height
		}
	} else {
		w.Width, w.Height = runtime.WindowGetSize(ctx)
		w.X, w.Y = runtime.WindowGetPosition(ctx)
	}
	if err := set.SetWindow(ctx, w); err != nil {
		a.log.Warn("saving window geometry", "err", err)
	}
}

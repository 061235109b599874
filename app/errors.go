package app

import (
	"context"
	"errors"

	"relais/backend/blob"
	"relais/backend/settings"
	"relais/backend/store"
	"relais/backend/workspace"
)

// UIError is what a rejected promise carries to the frontend: a stable code
// the UI translates, the field it concerns and the values the sentence may
// show. The raw error text never reaches the user.
type UIError struct {
	Code  string         `json:"code"`
	Field string         `json:"field,omitempty"`
	Info  map[string]any `json:"info,omitempty"`
}

var codes = []struct {
	err  error
	code string
}{
	{workspace.ErrNotFound, "workspace.notFound"},
	{workspace.ErrNameEmpty, "workspace.nameEmpty"},
	{workspace.ErrNameTaken, "workspace.nameTaken"},
	{workspace.ErrTooLong, "workspace.tooLong"},
	{workspace.ErrUnknownTimezone, "workspace.unknownTimezone"},
	{workspace.ErrInvalidColor, "workspace.invalidColor"},
	{workspace.ErrUnknownLanguage, "workspace.unknownLanguage"},
	{workspace.ErrPillarNameEmpty, "workspace.pillarNameEmpty"},
	{workspace.ErrPillarNameTaken, "workspace.pillarNameTaken"},
	{workspace.ErrPillarShare, "workspace.pillarShare"},
	{workspace.ErrPillarSharesOver, "workspace.pillarSharesOver"},
	{workspace.ErrTooMany, "workspace.tooMany"},
	{workspace.ErrLogoNotImage, "workspace.logoNotImage"},
	{workspace.ErrLogoTooLarge, "workspace.logoTooLarge"},
	{workspace.ErrLogoTooManyPixels, "workspace.logoTooManyPixels"},
	{workspace.ErrConfirmationNeeded, "workspace.confirmationNeeded"},
	{blob.ErrTooLarge, "workspace.logoTooLarge"},
	{settings.ErrInvalid, "settings.invalid"},
	{store.ErrLocked, "store.locked"},
	{store.ErrClosed, "store.closed"},
	{store.ErrNotBackup, "store.notBackup"},
	{store.ErrBackupTooNew, "store.backupTooNew"},
	{store.ErrSchemaTooNew, "store.schemaTooNew"},
	{errNotReady, "store.notReady"},
	{errBadBase64, "app.badFile"},
	{context.Canceled, "app.cancelled"},
}

// FormatError is Wails' ErrorFormatter: it maps a Go error to a UIError,
// logging the ones the UI can only call "something went wrong".
func (a *App) FormatError(err error) any {
	ue := toUIError(err)
	if ue.Code == "internal" {
		a.log.Error("unexpected error", "err", err)
	}
	return ue
}

func toUIError(err error) UIError {
	ue := UIError{Code: "internal"}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			ue.Code = c.code
			break
		}
	}
	var fe *workspace.FieldError
	if errors.As(err, &fe) {
		ue.Field = fe.Field
		ue.Info = fe.Info
	}
	return ue
}

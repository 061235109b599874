package app

import (
	"context"
	"errors"
	"io/fs"
	"syscall"

	"relais/backend/account"
	"relais/backend/blob"
	"relais/backend/network"
	"relais/backend/network/bluesky"
	"relais/backend/network/oauth"
	"relais/backend/network/oauthnet"
	"relais/backend/settings"
	"relais/backend/store"
	"relais/backend/vault"
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

// codeEntry maps a sentinel to the code the UI translates.
type codeEntry struct {
	err  error
	code string
}

// codes is checked in order (first match wins). Features add their own
// entries from an init function in app/errors_<feature>.go.
var codes = []codeEntry{
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
	{vault.ErrLocked, "vault.locked"},
	{vault.ErrNotSetUp, "vault.notSetUp"},
	{vault.ErrAlreadySetUp, "vault.alreadySetUp"},
	{vault.ErrWrongPassphrase, "vault.wrongPassphrase"},
	{vault.ErrTooSoon, "vault.tooSoon"},
	{vault.ErrWeakPassphrase, "vault.weakPassphrase"},
	{vault.ErrKeyringUnavailable, "vault.keyringUnavailable"},
	{vault.ErrKeyMissing, "vault.keyMissing"},
	{vault.ErrKeyFileCorrupt, "vault.keyFileCorrupt"},
	{vault.ErrTampered, "vault.tampered"},
	{vault.ErrWrongMode, "vault.wrongMode"},
	{account.ErrNotFound, "account.notFound"},
	{account.ErrUnknownNetwork, "account.unknownNetwork"},
	{account.ErrNoWorkspace, "workspace.notFound"},
	{account.ErrInvalidServer, "account.invalidServer"},
	{account.ErrMissingField, "account.missingField"},
	{account.ErrDifferentAccount, "account.differentAccount"},
	{account.ErrInvalidPort, "account.invalidPort"},
	{network.ErrRevoked, "network.revoked"},
	{network.ErrBadCredentials, "network.badCredentials"},
	{network.ErrDenied, "network.denied"},
	{network.ErrUnreachable, "network.unreachable"},
	{network.ErrRateLimited, "network.rateLimited"},
	{network.ErrProtocol, "network.protocol"},
	{network.ErrNoDevApp, "network.noDevApp"},
	{network.ErrTimeout, "network.timeout"},
	{oauthnet.ErrNoAccounts, "network.noAccounts"},
	{oauth.ErrPortInUse, "network.portInUse"},
	{bluesky.ErrInvalidServer, "account.invalidServer"},
	{errBadBase64, "app.badFile"},
	{context.Canceled, "app.cancelled"},
}

// fsCodes name what the operating system refused, whatever Relais was
// doing (exporting, backing up, importing, opening the data folder): the
// user can act on "the disk is full" or "access refused", not on
// "something went wrong". Checked after codes, so a feature's own sentence
// wins. errors_windows.go adds Windows' disk-full numbers.
var fsCodes = []codeEntry{
	{fs.ErrPermission, "fs.denied"},
	{syscall.ENOSPC, "fs.full"},
	{syscall.EDQUOT, "fs.full"},
	{syscall.EROFS, "fs.readOnly"},
}

// firstMatch is the code of the first entry err is.
func firstMatch(list []codeEntry, err error) (string, bool) {
	for _, c := range list {
		if errors.Is(err, c.err) {
			return c.code, true
		}
	}
	return "", false
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
	if c, ok := firstMatch(codes, err); ok {
		ue.Code = c
	} else if c, ok := firstMatch(fsCodes, err); ok {
		ue.Code = c
	}
	var fe *workspace.FieldError
	if errors.As(err, &fe) {
		ue.Field = fe.Field
		ue.Info = fe.Info
	}
	// Errors that carry what their sentence shows (library.FileError…).
	var ie interface{ ErrorInfo() map[string]any }
	if ue.Info == nil && errors.As(err, &ie) {
		ue.Info = ie.ErrorInfo()
	}
	if secs, ok := waitSeconds(err); ok {
		ue.Info = map[string]any{"seconds": secs}
	}
	return ue
}

package app

import (
	"relais/backend/blob"
	"relais/backend/library"
	"relais/backend/rendition"
)

func init() {
	codes = append(codes,
		codeEntry{library.ErrNotFound, "library.notFound"},
		codeEntry{library.ErrNoWorkspace, "library.noWorkspace"},
		codeEntry{library.ErrUnsupported, "library.unsupported"},
		codeEntry{library.ErrTooManyPixels, "library.tooManyPixels"},
		codeEntry{library.ErrCorrupt, "library.corrupt"},
		codeEntry{library.ErrStoredDamaged, "library.storedDamaged"},
		codeEntry{library.ErrTooLarge, "library.tooLarge"},
		codeEntry{library.ErrUnreadable, "library.unreadable"},
		codeEntry{library.ErrInUse, "library.inUse"},
		codeEntry{library.ErrInvalid, "library.invalid"},
		codeEntry{library.ErrUnknownPreset, "library.unknownPreset"},
		codeEntry{rendition.ErrOverBudget, "library.overBudget"},
		codeEntry{blob.ErrNotFound, "library.fileMissing"},
		codeEntry{errImportNotFound, "library.importNotFound"},
	)
}

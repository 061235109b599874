package app

import "relais/backend/post"

func init() {
	codes = append(codes,
		codeEntry{post.ErrNotFound, "post.notFound"},
		codeEntry{post.ErrConflict, "post.conflict"},
		codeEntry{post.ErrNoWorkspace, "post.noWorkspace"},
		codeEntry{post.ErrUnknownAccount, "post.unknownAccount"},
		codeEntry{post.ErrUnknownStatus, "post.unknownStatus"},
		codeEntry{post.ErrNeedsDue, "post.needsDue"},
		codeEntry{post.ErrHasProblems, "post.hasProblems"},
		codeEntry{post.ErrBadTime, "post.badTime"},
		codeEntry{post.ErrTooLong, "post.tooLong"},
		codeEntry{post.ErrUnknownPillar, "post.unknownPillar"},
		codeEntry{post.ErrUnknownCampaign, "post.unknownCampaign"},
		codeEntry{post.ErrNameEmpty, "post.nameEmpty"},
		codeEntry{post.ErrInvalidColor, "post.invalidColor"},
		codeEntry{post.ErrBadSlot, "post.badSlot"},
		codeEntry{post.ErrNoSlots, "post.noSlots"},
		codeEntry{post.ErrNoFreeSlot, "post.noFreeSlot"},
		codeEntry{post.ErrCampaignDates, "post.campaignDates"},
		codeEntry{post.ErrCSVEncoding, "post.csvEncoding"},
		codeEntry{post.ErrCSVMalformed, "post.csvMalformed"},
		codeEntry{post.ErrCSVHeader, "post.csvHeader"},
		codeEntry{post.ErrCSVEmpty, "post.csvEmpty"},
		codeEntry{post.ErrCSVTooBig, "post.csvTooBig"},
		codeEntry{post.ErrImportExpired, "post.importExpired"},
		codeEntry{post.ErrImportErrors, "post.importErrors"},
	)
}

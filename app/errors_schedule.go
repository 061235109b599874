package app

import "relais/backend/schedule"

func init() {
	codes = append(codes,
		codeEntry{schedule.ErrNotFound, "schedule.notFound"},
		codeEntry{schedule.ErrStarted, "schedule.started"},
		codeEntry{schedule.ErrInvalid, "schedule.invalid"},
		codeEntry{schedule.ErrNoPublisher, "schedule.noPublisher"},
	)
}

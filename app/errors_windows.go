package app

import "syscall"

// Windows reports a full disk with its own error numbers, which do not
// match syscall.ENOSPC.
func init() {
	fsCodes = append(fsCodes,
		codeEntry{syscall.Errno(112), "fs.full"}, // ERROR_DISK_FULL
		codeEntry{syscall.Errno(39), "fs.full"},  // ERROR_HANDLE_DISK_FULL
	)
}

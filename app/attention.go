package app

import (
	"sort"

	"relais/backend/account"
)

// Attention returns the accounts of every workspace that the user must act
// on: those to reconnect (refused by the network, past their reconnect-by
// date, or lost with the keyring's key) and those expiring within
// account.ReminderDays; most urgent first. The sidebar and the overview
// ask once, after the first paint, instead of listing each client's
// accounts: a freelancer with fifty clients would otherwise pay fifty calls
// to learn that nothing needs them.
//
// Unlike List, a locked vault does not turn these into "vault_locked": the
// lock hides no reminder, as a token's end date does not move with it.
func (f *Accounts) Attention() ([]Account, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return nil, err
	}
	all, err := acc.All(f.a.context())
	if err != nil {
		return nil, err
	}
	out := []Account{}
	for _, a := range all {
		d := f.toDTO(a, false)
		if d.State == string(account.StateNeedsReconnect) || d.State == string(account.StateExpiring) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if (x.State == string(account.StateNeedsReconnect)) != (y.State == string(account.StateNeedsReconnect)) {
			return x.State == string(account.StateNeedsReconnect)
		}
		if x.DaysLeft != y.DaysLeft {
			return x.DaysLeft < y.DaysLeft
		}
		if x.WorkspaceID != y.WorkspaceID {
			return x.WorkspaceID < y.WorkspaceID
		}
		if x.Network != y.Network {
			return x.Network < y.Network
		}
		return x.Handle < y.Handle
	})
	return out, nil
}

package app

// Forget removes accounts an authorization gave that the user chose not to
// keep (the other Pages of a Facebook login, the other locations of a
// Google one). Nothing is revoked at the network: the kept accounts share
// the same grant.
func (f *Accounts) Forget(ids []string) error {
	acc, err := f.a.accountSvc()
	if err != nil {
		return err
	}
	ws := ""
	for _, id := range ids {
		a, err := acc.Get(f.a.context(), id)
		if err != nil {
			return err
		}
		ws = a.WorkspaceID
		if err := acc.Forget(f.a.context(), id); err != nil {
			return err
		}
	}
	if ws != "" {
		f.a.emit("accounts:changed", ws)
	}
	return nil
}

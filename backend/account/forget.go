package account

import (
	"context"

	"relais/backend/store"
)

// Forget removes an account and its sealed secrets without revoking
// anything at the network. It is for the accounts one authorization gave
// and the user chose not to keep (a Facebook login's other Pages, a Google
// login's other locations): they share the grant of the ones kept, so
// revoking their token would cut those too.
func (s *Service) Forget(ctx context.Context, id string) error {
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.db.Update(ctx, func(t *store.Txn) error {
		if err := s.vault.DeleteTx(t, tokenName(id)); err != nil {
			return err
		}
		if err := t.Delete(wsKey(a.WorkspaceID, id)); err != nil {
			return err
		}
		return t.Delete(recKey(id))
	})
}

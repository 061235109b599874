package post

import (
	"context"

	"relais/backend/store"
)

// BulkPut stores posts as they are, batch by batch (benchmark set-up).
func BulkPut(ctx context.Context, s *Service, posts []Post) error {
	for len(posts) > 0 {
		n := min(len(posts), 1000)
		batch := posts[:n]
		posts = posts[n:]
		err := s.db.Update(ctx, func(t *store.Txn) error {
			for _, p := range batch {
				p.Version = 1
				if err := put(t, nil, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

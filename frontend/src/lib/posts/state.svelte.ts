// Which post the editor shows, and whose. The calendar mounts <Editor>
// while openEditor.postId is set; anything (a calendar cell, "New post", a
// shortcut) opens a post through editPost or newPost, and the editor clears
// it on close. The client travels with the post: the all-clients calendar
// cannot always find a post in what it has loaded (a tray idea just given
// a date beyond the grid), and the editor must never fall back to another
// client's accounts, campaigns and signature.
import { api } from '../api';
import type { NewPost, Post } from './model';

export const openEditor = $state({ postId: null as string | null, workspaceId: '' });

/** editPost opens the editor on an existing post of a workspace. */
export function editPost(id: string, workspaceId: string): void {
  openEditor.workspaceId = workspaceId;
  openEditor.postId = id;
}

/** closeEditor closes the editor. */
export function closeEditor(): void {
  openEditor.postId = null;
  openEditor.workspaceId = '';
}

/**
 * newPost creates a post in a workspace (a draft with no text unless
 * given) and opens the editor on it. The calendar passes a due time
 * (the day or slot clicked) or the assets dropped on a day.
 */
export async function newPost(workspaceId: string, init: Partial<NewPost> = {}): Promise<Post> {
  const p = await api.posts.create(workspaceId, {
    text: init.text ?? '',
    due: init.due ?? '',
    status: init.status ?? 'draft',
    accountIds: init.accountIds ?? [],
    assetIds: init.assetIds ?? [],
  });
  editPost(p.id, p.workspaceId || workspaceId);
  return p;
}

// Which post the editor shows. The calendar mounts <Editor> while
// openEditor.postId is set; anything (a calendar cell, "New post", a
// shortcut) opens a post by setting it, and the editor clears it on close.
import { api } from '../api';
import type { NewPost, Post } from './model';

export const openEditor = $state({ postId: null as string | null });

/** editPost opens the editor on an existing post. */
export function editPost(id: string): void {
  openEditor.postId = id;
}

/** closeEditor closes the editor. */
export function closeEditor(): void {
  openEditor.postId = null;
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
  openEditor.postId = p.id;
  return p;
}

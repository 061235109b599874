// The colour transparent visuals are shown on (white, or one of the
// client's brand colours), remembered per client for the session: the
// preview, the crop's reply and the exports all use the same choice, so
// what is exported is what was shown.
import type { Workspace } from '../model';

const chosen = new Map<string, string>();

/** brandColours lists a client's brand colours usable as a background (#rrggbb). */
export function brandColours(ws: Pick<Workspace, 'brandKit'>): string[] {
  return ws.brandKit.colors.filter((c) => /^#[0-9a-f]{6}$/i.test(c));
}

/** backgroundFor is the client's chosen background, '' (white) when none or when the colour left the brand kit. */
export function backgroundFor(ws: Pick<Workspace, 'id' | 'brandKit'>): string {
  const c = chosen.get(ws.id) ?? '';
  return brandColours(ws).includes(c) ? c : '';
}

/** setBackground remembers the background picked for a client ('' white). */
export function setBackground(workspaceId: string, colour: string): void {
  if (colour) chosen.set(workspaceId, colour);
  else chosen.delete(workspaceId);
}

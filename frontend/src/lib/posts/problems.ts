// The user's sentence for each problem Go's Validate reports on a variant
// ("Too long by 12 characters for Bluesky (300 at most)."), with numbers
// formatted for the language and plurals on the figure the sentence
// turns on.
import { formatNumber, intlLocale } from '../format';
import { i18n, type Lang } from '../i18n.svelte';
import type { Problem, Variant } from './model';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);

/** ratio formats an aspect ratio with up to two decimals (1.91 stays 1.91). */
function ratio(v: unknown, lang: Lang): string {
  return new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: 2 }).format(num(v));
}

/** networkName is a network's display name in the language. */
export function networkName(network: string, lang: Lang): string {
  const key = `posts.networks.${network}`;
  return i18n.exists(key, { lng: lang }) ? (i18n.t(key, { lng: lang }) as string) : network;
}

/**
 * problemText is the sentence for one problem of a variant. `assets` is
 * the variant's visual list (a wrongAspect sentence names the visual by its
 * place in it).
 */
export function problemText(p: Problem, network: string, lang: Lang, assets: Variant['assets'] = []): string {
  const info = p.info;
  const f = (v: unknown) => formatNumber(num(v), lang);
  const opts: Record<string, unknown> = { network: networkName(network, lang), lng: lang };
  let key = p.code;
  switch (p.code) {
    case 'tooLong':
      opts.count = num(info.over);
      opts.limit = f(info.limit);
      if (info.unit === 'weighted') key = 'tooLongWeighted';
      break;
    case 'tooManyBytes':
    case 'titleTooLong':
    case 'firstCommentTooLong':
      opts.count = num(info.over);
      opts.limit = f(info.limit);
      break;
    case 'tooManyHashtags':
    case 'tooManyImages':
      opts.count = num(info.count);
      opts.limit = f(info.limit);
      break;
    case 'wrongAspect': {
      const i = assets.findIndex((a) => a.assetId === info.assetId);
      opts.n = i >= 0 ? i + 1 : 1;
      opts.aspect = ratio(info.aspect, lang);
      opts.min = ratio(info.min, lang);
      opts.max = ratio(info.max, lang);
      break;
    }
  }
  const full = `posts.problem.${key}`;
  const known = i18n.exists(full, { lng: lang }) || i18n.exists(`${full}_other`, { lng: lang });
  return i18n.t(known ? full : 'posts.problem.unknown', opts) as string;
}

/** presetName is how a rendition preset is named on a button ("Instagram feed 4:5" → its size). */
export function presetName(id: string, lang: Lang): string {
  const size = PRESET_SIZES[id];
  if (!size) return id;
  return `${networkName(size.network, lang)} ${formatNumber(size.w, lang)} × ${formatNumber(size.h, lang)}`;
}

/**
 * The rendition presets' output sizes (backend/rendition/preset.go), for
 * names on buttons and the frame a preview gives a rendition.
 */
export const PRESET_SIZES: Record<string, { network: string; w: number; h: number }> = {
  'instagram-portrait': { network: 'instagram', w: 1080, h: 1350 },
  'instagram-square': { network: 'instagram', w: 1080, h: 1080 },
  'instagram-landscape': { network: 'instagram', w: 1080, h: 566 },
  'instagram-story': { network: 'instagram', w: 1080, h: 1920 },
  x: { network: 'x', w: 1200, h: 675 },
  linkedin: { network: 'linkedin', w: 1200, h: 627 },
  'linkedin-square': { network: 'linkedin', w: 1080, h: 1080 },
  facebook: { network: 'facebook', w: 1200, h: 630 },
  pinterest: { network: 'pinterest', w: 1000, h: 1500 },
  bluesky: { network: 'bluesky', w: 1200, h: 675 },
  mastodon: { network: 'mastodon', w: 1200, h: 675 },
  'youtube-thumbnail': { network: 'youtube', w: 1280, h: 720 },
  'google-business': { network: 'google_business', w: 1200, h: 900 },
};

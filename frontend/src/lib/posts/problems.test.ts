import { beforeAll, describe, expect, it } from 'vitest';
import { loadLang } from '../i18n.svelte';
import { problemText } from './problems';

beforeAll(async () => {
  await Promise.all([loadLang('fr'), loadLang('en')]);
});

describe('problemText', () => {
  it('says by how much a text is too long, with plurals', () => {
    const p = { code: 'tooLong', info: { over: 12, limit: 300, length: 312, unit: 'graphemes' }, fix: null };
    expect(problemText(p, 'bluesky', 'en')).toBe('Too long by 12 characters for Bluesky (300 at most).');
    expect(problemText(p, 'bluesky', 'fr')).toBe('Trop long de 12 caractères pour Bluesky (300 au maximum).');
    const one = { ...p, info: { ...p.info, over: 1 } };
    expect(problemText(one, 'bluesky', 'en')).toBe('Too long by 1 character for Bluesky (300 at most).');
    expect(problemText(one, 'bluesky', 'fr')).toBe('Trop long de 1 caractère pour Bluesky (300 au maximum).');
  });

  it('formats large limits for the language', () => {
    const p = { code: 'tooLong', info: { over: 3, limit: 63206, unit: 'chars' }, fix: null };
    expect(problemText(p, 'facebook', 'en')).toContain('(63,206 at most)');
    expect(problemText(p, 'facebook', 'fr')).toMatch(/\(63\s206 au maximum\)/u);
  });

  it('explains X’s weighted count', () => {
    const p = { code: 'tooLong', info: { over: 2, limit: 280, unit: 'weighted' }, fix: null };
    expect(problemText(p, 'x', 'en')).toMatch(/^Too long by 2 characters for X \(280 at most; emoji/);
  });

  it('has a sentence for every code Go sends', () => {
    const codes: [string, Record<string, unknown>, RegExp, RegExp][] = [
      ['tooManyBytes', { over: 4, limit: 3000 }, /by 4 bytes/, /de 4 octets/],
      ['tooManyHashtags', { count: 31, limit: 30 }, /^31 hashtags: Instagram takes 30 at most\.$/, /^31 hashtags\u00a0: Instagram en accepte 30 au maximum\.$/],
      ['tooManyImages', { count: 5, limit: 4 }, /^5 visuals: Bluesky takes 4/, /^5 visuels\u00a0: Bluesky/],
      ['wrongAspect', { assetId: 'b', aspect: 0.56, min: 0.8, max: 1.91 }, /Visual 2 .* 0\.56.* 0\.8 to 1\.91/, /visuel 2 .*0,56.*0,8 et 1,91/],
      ['needsTitle', {}, /^YouTube needs a title\.$/, /^YouTube demande un titre\.$/],
      ['needsLink', {}, /destination link/, /lien de destination/],
      ['boardMissing', {}, /^Pick the board this Pin goes to\.$/, /^Choisissez le tableau où publier cette épingle\.$/],
      ['needsMedia', {}, /at least one visual/, /au moins un visuel/],
      ['needsText', {}, /Nothing to publish/, /Rien à publier/],
      ['titleTooLong', { over: 3, limit: 100 }, /title is too long by 3 characters/, /titre est trop long de 3 caractères/],
      ['firstCommentTooLong', { over: 1, limit: 300 }, /first comment is too long by 1 character /, /premier commentaire est trop long de 1 caractère /],
      ['accountMissing', {}, /no longer connected/, /n’est plus connecté/],
      ['assetMissing', {}, /no longer in the library/, /n’est plus dans la médiathèque/],
    ];
    const assets = [
      { assetId: 'a', presetId: '', alt: '' },
      { assetId: 'b', presetId: '', alt: '' },
    ];
    const network: Record<string, string> = { tooManyHashtags: 'instagram', tooManyImages: 'bluesky', needsTitle: 'youtube' };
    for (const [code, info, en, fr] of codes) {
      const p = { code, info, fix: null };
      expect(problemText(p, network[code] ?? 'instagram', 'en', assets), code).toMatch(en);
      expect(problemText(p, network[code] ?? 'instagram', 'fr', assets), code).toMatch(fr);
    }
  });

  it('falls back to a general sentence for a code it does not know', () => {
    expect(problemText({ code: 'brandNew', info: {}, fix: null }, 'threads', 'en')).toBe('Something does not suit Threads.');
  });
});

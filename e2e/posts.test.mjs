// The post editor end to end, in French then in English, against the real
// backend (dev build): a client with a real Bluesky account (the PDS that
// scripts/pds starts; RELAIS_PDS_URL) and a Mastodon account on
// mastodontest's fake instance (RELAIS_DEV_BROWSER=get approves at once).
// A post is written for both networks, Bluesky's 300-character limit is
// broken and fixed, the editor saves as the user goes, undo and redo step
// through the edits, and after a reload the post is found as left.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  eventually,
  expectHidden,
  expectText,
  expectVisible,
  goCall,
  makePNG,
  shoot,
  useBrowser,
  useScenario,
  PDS,
  blueskyAccount,
  useFakeMastodon,
  stepper,
} from './harness.mjs';

useBrowser();


const UI = {
  fr: {
    locale: 'fr-FR',
    calendar: 'Calendrier',
    editor: 'Publication',
    targets: 'Publier sur',
    text: 'Texte',
    tooLong: (n) => `Trop long de ${n} caractères pour Bluesky (300 au maximum).`,
    counterOver: (n) => `Bluesky\u00a0: ${n} caractères de trop`,
    ready: 'Prêt pour Bluesky.',
    allGood: 'Toutes les variantes sont prêtes.',
    saved: 'Enregistré',
    brandHashtags: 'Hashtags de la marque',
    close: 'Fermer l’éditeur',
    undo: 'Annuler',
    ownText: 'Texte propre à ce compte',
    firstComment: 'Premier commentaire',
    status: 'Statut',
    planning: 'Planification',
    notes: 'Notes internes',
    conflictTitle: 'Cette publication a changé ailleurs',
    keepMine: 'Garder ma version',
    manage: 'Gérer…',
    insertsTitle: 'Groupes de hashtags et extraits',
    groupName: 'Nom du groupe',
    groupTags: 'Hashtags',
    addGroup: 'Ajouter le groupe',
    groupLabel: 'Automne',
    closeDialog: 'Fermer',
    hashtagGroups: 'Groupes de hashtags',
    addVisuals: 'Ajouter des visuels…',
    pickTitle: 'Ajouter des visuels',
    pickAdd: 'Ajouter 1 visuel',
    review: 'En relecture',
    seeMore: 'voir plus',
    zone: /Heures dans le fuseau du client\u00a0: Europe\/Paris/,
    zoneDiffers: /Votre ordinateur est réglé sur \S+/,
    date: 'Date',
    time: 'Heure',
    short: 'Nouvelle carte d’automne au Café Lumière : potiron rôti et chocolat chaud maison. À lundi !',
    long: 'Cette semaine au Café Lumière, on vous raconte tout : ',
  },
  en: {
    locale: 'en-US',
    calendar: 'Calendar',
    editor: 'Post',
    targets: 'Publish to',
    text: 'Text',
    tooLong: (n) => `Too long by ${n} characters for Bluesky (300 at most).`,
    counterOver: (n) => `Bluesky: ${n} characters too many`,
    ready: 'Ready for Bluesky.',
    allGood: 'Every variant is ready.',
    saved: 'Saved',
    brandHashtags: 'Brand hashtags',
    close: 'Close the editor',
    undo: 'Undo',
    ownText: 'Own text for this account',
    firstComment: 'First comment',
    status: 'Status',
    planning: 'Planning',
    notes: 'Internal notes',
    conflictTitle: 'This post changed elsewhere',
    keepMine: 'Keep my version',
    manage: 'Manage…',
    insertsTitle: 'Hashtag groups and snippets',
    groupName: 'Group name',
    groupTags: 'Hashtags',
    addGroup: 'Add the group',
    groupLabel: 'Autumn',
    closeDialog: 'Close',
    hashtagGroups: 'Hashtag groups',
    addVisuals: 'Add visuals…',
    pickTitle: 'Add visuals',
    pickAdd: 'Add 1 visual',
    review: 'In review',
    seeMore: 'see more',
    zone: /Times are in the client’s timezone: Europe\/Paris/,
    zoneDiffers: /Your computer is set to \S+/,
    date: 'Date',
    time: 'Time',
    short: 'New autumn menu at Café Lumière: roasted squash and homemade hot chocolate. See you Monday!',
    long: 'This week at Café Lumière we tell you everything: ',
  },
};

// ---------- the real Bluesky server and the fake Mastodon instance

const fakeMastodon = useFakeMastodon({ pds: true });

/** parisToday is today's date in Paris, as YYYY-MM-DD. */
function parisToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** parisInstant is the RFC 3339 UTC instant when Paris shows `day` at `hour`:00. */
function parisInstant(day, hour) {
  for (const offset of [1, 2]) {
    const d = new Date(`${day}T${String(hour - offset).padStart(2, '0')}:00:00Z`);
    const shown = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(d);
    if (Number(shown) === hour) return d.toISOString().replace('.000Z', 'Z');
  }
  throw new Error(`no Paris instant for ${day} ${hour}:00`);
}

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`the post editor in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const S = useScenario({
      tag: `posts-${lang}`,
      locale: L.locale,
      colorScheme: 'light',
      viewport: { width: 1280, height: 900 },
      // The client is in Paris; the machine is not (the backend runs in
      // UTC here, and New York for the page): the editor says so.
      timezoneId: 'America/New_York',
      env: { RELAIS_DEV_BROWSER: 'get' },
    });
    let page;
    let ws;
    let bsky;
    let postId;
    const editor = () => page.getByRole('dialog', { name: L.editor });
    const text = () => editor().getByRole('textbox', { name: L.text, exact: true });
    const saveState = () => editor().locator('.save-state');
    const get = () => goCall(page, 'Posts', 'Get', postId);
    // 320 characters: 20 over Bluesky's 300, well under Mastodon's 1000.
    const longText = () => (L.long + 'x'.repeat(400)).slice(0, 320);

    const step = stepper(`${lang}-posts`, () => page);

    async function openPost() {
      await page.getByRole('navigation').getByRole('button', { name: 'Café Lumière', exact: true }).click();
      await page.locator('#ws-tab-calendar').click();
      const chip = page.locator('main').locator(`[data-id="${postId}"]`).first();
      await expectVisible(chip, 'the post on the calendar');
      await chip.click();
      await expectVisible(editor(), 'the editor');
      await expectText(saveState(), L.saved, 'the post loaded as saved');
    }

    async function savedAs(want, what) {
      await expectText(saveState(), L.saved, `saved (${what})`);
      await eventually(async () => {
        const p = await get();
        assert.equal(p.text, want);
        return true;
      }, `Go holds ${what}`);
    }

    before(async () => {
      page = S.page;
      ws = await goCall(page, 'Workspaces', 'Create', {
        name: 'Café Lumière',
        color: '#c2410c',
        timezone: 'Europe/Paris',
        language: lang,
        brandKit: { colors: [], tone: '', hashtags: ['#cafe', '#lumiere'], signature: '— Café Lumière' },
      });
      await goCall(page, 'Vault', 'SetUpPassphrase', `e2e posts ${lang} ${crypto.randomBytes(4).toString('hex')}`);
      bsky = await blueskyAccount('p');
      await goCall(page, 'Accounts', 'ConnectBluesky', ws.id, PDS, bsky.handle, bsky.appPassword);
      await goCall(page, 'Accounts', 'ConnectMastodon', ws.id, fakeMastodon.url);
      const p = await goCall(page, 'Posts', 'Create', ws.id, { text: '', status: 'idea', accountIds: [], assetIds: [] });
      postId = p.id;
      await page.reload();
    });

    step('the editor opens from the calendar and offers the client’s two accounts', async () => {
      await openPost();
      const targets = editor().getByRole('group', { name: L.targets });
      await expectVisible(targets.getByRole('button', { name: /Bluesky/ }), 'the Bluesky account');
      await expectVisible(targets.getByRole('button', { name: /Mastodon/ }), 'the Mastodon account');
      await targets.getByRole('button', { name: /Mastodon/ }).click();
      await targets.getByRole('button', { name: /Bluesky/ }).click();
      assert.equal(await targets.getByRole('button', { name: /Bluesky/ }).getAttribute('aria-pressed'), 'true');
      await expectVisible(editor().getByRole('tab', { name: /Bluesky/ }), 'the Bluesky variant');
      await expectVisible(editor().getByRole('tab', { name: /Mastodon/ }), 'the Mastodon variant');
      await expectText(saveState(), L.saved, 'the targets saved');
      await eventually(async () => (await get()).variants?.length === 2, 'two variants stored');
    });

    step('a text too long for Bluesky is flagged as the user types, with the count', async () => {
      await text().fill(longText());
      await editor().getByRole('tab', { name: /Bluesky/ }).click();
      await expectText(editor().getByRole('tabpanel'), L.tooLong(20), 'the problem sentence');
      await expectText(editor().locator('#pe-counters'), L.counterOver(20), 'the live counter');
      await savedAs(longText(), 'the long text');
      const p = await get();
      const b = p.variants.find((v) => v.network === 'bluesky');
      assert.equal(b.problems[0].code, 'tooLong');
      assert.equal(b.problems[0].info.over, 20);
      await shoot(page, lang, 'posts-too-long');
    });

    step('fixing the text clears the problem and saves it', async () => {
      await text().fill(L.short);
      await expectText(editor().getByRole('tabpanel'), L.ready, 'Bluesky ready');
      await expectText(editor().locator('aside'), L.allGood, 'every variant ready');
      await savedAs(L.short, 'the short text');
    });

    step('the brand hashtags are offered, not forced, and undo/redo step through the edits', async () => {
      assert.ok(!(await get()).text.includes('#cafe'), 'no hashtag added by itself');
      await editor().getByRole('button', { name: L.brandHashtags }).click();
      const withTags = `${L.short}\n\n#cafe #lumiere`;
      await eventually(async () => (await text().inputValue()) === withTags, 'the hashtags at the end');
      await savedAs(withTags, 'the text with hashtags');

      await page.keyboard.press('Control+KeyZ');
      await eventually(async () => (await text().inputValue()) === L.short, 'undo: back to the short text');
      await page.keyboard.press('Control+KeyZ');
      await eventually(async () => (await text().inputValue()) === longText(), 'undo again: the long text');
      await expectText(editor().getByRole('tabpanel'), L.tooLong(20), 'the problem is back');
      await savedAs(longText(), 'the undone text');
      await page.keyboard.press('Control+Shift+KeyZ');
      await page.keyboard.press('Control+Shift+KeyZ');
      await eventually(async () => (await text().inputValue()) === withTags, 'redo twice: the hashtags again');
      await savedAs(withTags, 'the redone text');
    });

    step('a hashtag group made in the editor is inserted at the cursor, and undone', async () => {
      await editor().getByRole('button', { name: L.manage }).click();
      const d = page.getByRole('dialog', { name: L.insertsTitle });
      await expectVisible(d, 'the hashtag groups and snippets dialog');
      await d.getByLabel(L.groupName).fill(L.groupLabel);
      const tags = d.getByRole('textbox', { name: L.groupTags });
      await tags.fill('#automne, potiron');
      await tags.press('Enter');
      await d.getByRole('button', { name: L.addGroup }).click();
      await expectText(d.getByRole('list').first(), L.groupLabel, 'the group listed');
      await shoot(page, lang, 'posts-inserts');
      await d.getByRole('button', { name: L.closeDialog, exact: true }).last().click();
      await expectHidden(d, 'the dialog closed');

      const before = await text().inputValue();
      await text().focus();
      await text().evaluate((el) => el.setSelectionRange(0, 0));
      await editor().getByRole('combobox', { name: L.hashtagGroups }).selectOption({ label: L.groupLabel });
      await eventually(async () => (await text().inputValue()) === `#automne #potiron ${before}`, 'the group at the cursor');
      await page.keyboard.press('Control+KeyZ');
      await eventually(async () => (await text().inputValue()) === before, 'undo takes it out');
      await savedAs(before, 'the text without the group');
    });

    step('planning: status, date and time in the client’s zone, said to differ from the machine’s', async () => {
      const day = parisToday();
      await editor().getByRole('combobox', { name: L.status }).selectOption('review');
      await editor().getByLabel(L.date, { exact: true }).fill(day);
      await editor().getByLabel(L.time, { exact: true }).fill('18:00');
      await editor().getByLabel(L.time, { exact: true }).dispatchEvent('change');
      await expectText(editor(), L.zone, 'the zone note');
      await expectText(editor(), L.zoneDiffers, 'the machine zone note');
      await eventually(async () => {
        const p = await get();
        assert.equal(p.due, parisInstant(day, 18));
        assert.equal(p.status, 'review');
        return true;
      }, 'status and due stored');
      await editor().getByRole('tab', { name: /Mastodon/ }).click();
      await editor().getByLabel(L.firstComment).fill('☕');
      await expectText(saveState(), L.saved, 'first comment saved');
      await eventually(async () => (await get()).variants.some((v) => v.firstComment === '☕'), 'first comment stored');
      await shoot(page, lang, 'posts-editor');
      await editor().getByRole('heading', { name: L.planning }).scrollIntoViewIfNeeded();
      await shoot(page, lang, 'posts-planning');
    });

    step('a visual picked from the library is attached to both variants and shown in the preview', async () => {
      const png = makePNG(96, [194, 65, 12]).toString('base64');
      await goCall(page, 'Library', 'ImportFiles', ws.id, [{ name: 'vitrine.png', data: png }]);
      await eventually(async () => (await goCall(page, 'Library', 'Search', { workspaceId: ws.id, text: '', tags: [], orientation: '', sizeClass: '', from: '', to: '', used: 'any', offset: 0, limit: 10 })).total === 1, 'the visual imported');
      await editor().getByRole('button', { name: L.addVisuals }).click();
      const picker = page.getByRole('dialog', { name: L.pickTitle });
      await expectVisible(picker, 'the visual picker');
      const tile = picker.getByRole('button', { name: /vitrine/ });
      await tile.click();
      assert.equal(await tile.getAttribute('aria-pressed'), 'true');
      await picker.getByRole('button', { name: L.pickAdd }).click();
      await expectHidden(picker, 'the picker closed');
      await expectVisible(editor().getByRole('tabpanel').getByRole('img', { name: 'vitrine.png' }).or(editor().getByRole('tabpanel').locator('.thumbs img')).first(), 'the thumbnail');
      await expectVisible(editor().locator('aside .pv img').first(), 'the visual in the preview');
      await expectText(saveState(), L.saved, 'the visual saved');
      await eventually(async () => (await get()).variants.every((v) => v.assets.length === 1), 'both variants hold the visual');
      await shoot(page, lang, 'posts-visual');
    });

    step('a save made elsewhere meanwhile is caught, and the user keeps their version', async () => {
      const theirs = await get();
      await goCall(page, 'Posts', 'Save', { ...theirs, notes: 'elsewhere' });
      await editor().getByLabel(L.notes).fill('mine');
      const ask = page.getByRole('alertdialog', { name: L.conflictTitle });
      await expectVisible(ask, 'the conflict question');
      await shoot(page, lang, 'posts-conflict');
      await ask.getByRole('button', { name: L.keepMine }).click();
      await expectHidden(ask, 'the question answered');
      await expectText(saveState(), L.saved, 'saved over theirs');
      await eventually(async () => (await get()).notes === 'mine', 'my notes stored');
    });

    step('after a reload the post is found as it was left', async () => {
      await editor().getByRole('button', { name: L.close }).click();
      await expectHidden(editor(), 'the editor closed');
      await page.reload();
      await openPost();
      await eventually(async () => (await text().inputValue()) === `${L.short}\n\n#cafe #lumiere`, 'the text on screen');
      await expectVisible(editor().getByRole('tab', { name: /Bluesky/ }), 'the Bluesky variant');
      await expectVisible(editor().getByRole('tab', { name: /Mastodon/ }), 'the Mastodon variant');
      assert.equal(await editor().getByRole('combobox', { name: L.status }).inputValue(), 'review');
      await shoot(page, lang, 'posts-reopened');
      const p = await get();
      assert.equal(p.text, `${L.short}\n\n#cafe #lumiere`);
      assert.deepEqual(p.variants.map((v) => v.network).sort(), ['bluesky', 'mastodon']);
      assert.equal(p.variants.find((v) => v.network === 'mastodon').firstComment, '☕');
      await page.keyboard.press('Escape');
      await expectHidden(editor(), 'Escape closes the editor');
      assert.deepEqual(S.pageErrors, []);
    });
  });
}

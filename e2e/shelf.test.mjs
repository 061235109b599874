// End-to-end: starting a post from a visual. The calendar shows the
// client's visuals beside the month; one dragged with the mouse onto a day
// starts a post with it on that day (9:00, the client's time) and opens the
// editor; another is picked up with the keyboard (Space), moved with the
// arrows and dropped with Enter. In French and English.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  appReady,
  eventually,
  expectText,
  expectVisible,
  goCall,
  makePNG,
  shoot,
  useFakeMastodon,
  stepper,
  useBrowser,
  useScenario,
  wallClock,
} from './harness.mjs';

useBrowser();

const ZONE = 'Europe/Paris';
const UI = {
  fr: {
    locale: 'fr-FR',
    visuals: 'Visuels',
    visual: (n) => `Visuel «\u00a0${n}\u00a0»`,
    startedLive: /Nouvelle publication avec «\u00a0Vitrine de Noël\u00a0»/,
    picked: /Visuel «\u00a0Croissants\u00a0» saisi/,
    passphrase: 'une phrase de passe assez longue',
  },
  en: {
    locale: 'en-GB',
    visuals: 'Visuals',
    visual: (n) => `Visual “${n}”`,
    startedLive: /New post with “Vitrine de Noël”/,
    picked: /Picked up the visual “Croissants”/,
    passphrase: 'a passphrase that is long enough',
  },
};

const paris = (iso) => wallClock(iso, ZONE);

const mastodon = useFakeMastodon();

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];
  describe(`Posts from visuals in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const S = useScenario({ tag: `shelf-${lang}`, locale: L.locale, timezoneId: ZONE, viewport: { width: 1280, height: 900 }, env: { RELAIS_DEV_BROWSER: 'get' } });
    let page;
    let ws;
    let account;
    const assets = {};
    let first = '';
    const step = stepper(`${lang}-shelf`, () => page);
    const main = () => page.locator('main');
    const shelf = () => main().getByRole('region', { name: L.visuals });
    const today = paris(new Date().toISOString())[0];
    const month = today.slice(0, 7);
    const day20 = `${month}-20`;
    /** Posts of the client in this month and the next (the grid's span). */
    const posts = async () => {
      const from = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 2, 20)).toISOString();
      const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) + 1, 10)).toISOString();
      return goCall(page, 'Posts', 'Range', ws.id, from, to);
    };

    before(() => {
      page = S.page;
    });

    step('a client with an account and two visuals; the calendar shows them', async () => {
      await goCall(page, 'Vault', 'SetUpPassphrase', L.passphrase);
      ws = await goCall(page, 'Workspaces', 'Create', { name: 'Boulangerie Lune', timezone: ZONE, language: lang });
      [account] = await goCall(page, 'Accounts', 'ConnectMastodon', ws.id, mastodon.url);
      for (const [name, rgb] of [['Vitrine de Noël', [180, 40, 40]], ['Croissants', [210, 160, 60]]]) {
        await goCall(page, 'Library', 'ImportFiles', ws.id, [{ name: `${name}.png`, data: makePNG(480, rgb).toString('base64') }]);
        const a = await eventually(async () => {
          const res = await goCall(page, 'Library', 'Search', { workspaceId: ws.id, text: name, limit: 5 });
          return res.assets?.length === 1 ? res.assets[0] : false;
        }, `the imported ${name}`);
        await goCall(page, 'Library', 'Update', a.id, { alt: name });
        assets[name] = a.id;
      }
      await page.reload();
      await appReady(page);
      await page.getByRole('navigation').getByRole('button', { name: 'Boulangerie Lune', exact: true }).click();
      await page.locator('#ws-tab-calendar').click();
      await expectVisible(shelf().getByRole('button', { name: L.visual('Vitrine de Noël') }), 'the first visual on the shelf');
      await expectVisible(shelf().getByRole('button', { name: L.visual('Croissants') }), 'the second visual on the shelf');
      await shoot(page, lang, 'shelf-01-visuals');
    });

    step('a visual dragged onto a day starts a post with it, and opens the editor', async () => {
      const from = await shelf().getByRole('button', { name: L.visual('Vitrine de Noël') }).boundingBox();
      const to = await main().locator(`[data-day="${day20}"]`).boundingBox();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 14 });
      await page.mouse.up();
      const editor = page.locator('dialog.editor');
      await expectVisible(editor, 'the post editor on the new post');
      await expectText(main().locator('[aria-live="assertive"]'), L.startedLive, 'the announcement');
      const [p] = await eventually(async () => {
        const list = await posts();
        return list.length === 1 ? list : false;
      }, 'the new post');
      first = p.id;
      assert.deepEqual(paris(p.due), [day20, '09:00'], 'on the day dropped on, at 9:00 Paris time');
      const full = await goCall(page, 'Posts', 'Get', p.id);
      assert.deepEqual(full.variants.map((v) => v.accountId), [account.id], 'for the client’s account');
      assert.deepEqual(full.variants[0].assets.map((a) => a.assetId), [assets['Vitrine de Noël']], 'with the visual');
      await expectVisible(editor.locator(`img[src*="${assets['Vitrine de Noël']}"]`).first(), 'the visual in the editor');
      await shoot(page, lang, 'shelf-02-editor');
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'hidden' });
      await expectVisible(main().locator(`[data-day="${day20}"] [data-id="${p.id}"]`), 'the post on the 20th');
    });

    step('with the keyboard: Space picks a visual up, the arrows move it, Enter starts the post', async () => {
      const button = shelf().getByRole('button', { name: L.visual('Croissants') });
      await button.focus();
      await page.keyboard.press('Space');
      await expectText(main().locator('[aria-live="assertive"]'), L.picked, 'the pick-up announced');
      // The day the app picked up on (its today, in Paris: read it rather
      // than the test's, which may be before a midnight since passed).
      const start = await main().locator('[data-day][data-over]').getAttribute('data-day');
      // A day and a week, towards the middle of the month so it stays on the grid.
      const early = Number(start.slice(8, 10)) <= 15;
      await page.keyboard.press(early ? 'ArrowRight' : 'ArrowLeft');
      await page.keyboard.press(early ? 'ArrowDown' : 'ArrowUp');
      await shoot(page, lang, 'shelf-03-keyboard');
      await page.keyboard.press('Enter');
      const editor = page.locator('dialog.editor');
      await expectVisible(editor, 'the editor on the second post');
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'hidden' });
      const list = await eventually(async () => {
        const l = await posts();
        return l.length === 2 ? l : false;
      }, 'the second post');
      const second = list.find((p) => p.id !== first);
      const want = addDays(start, early ? 8 : -8);
      assert.deepEqual(paris(second.due), [want, '09:00'], 'a day and a week from today, at 9:00');
      const full = await goCall(page, 'Posts', 'Get', second.id);
      assert.deepEqual(full.variants[0].assets.map((a) => a.assetId), [assets.Croissants], 'with the visual');
      assert.deepEqual(S.pageErrors, [], 'no script error on the page');
    });
  });
}

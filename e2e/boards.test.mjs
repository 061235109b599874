// End-to-end: a Pin needs a board. A Pinterest account is connected
// through OAuth against a fake Pinterest (backend/network/pinterest/
// fakepinterest, reached by the dev build through RELAIS_DEV_PINTEREST);
// in the editor the variant says a board is missing, the board picker
// lists the account's boards (every page of them, by name), picking one
// clears the problem and is saved, and once scheduled the Pin goes out on
// that board.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady,
  eventually,
  expectText,
  expectVisible,
  freePort,
  goCall,
  makePNG,
  shoot,
  useFake,
  stepper,
  useBrowser,
  useScenario,
} from './harness.mjs';

useBrowser();

const UI = {
  fr: {
    locale: 'fr-FR',
    missing: 'Choisissez le tableau où publier cette épingle.',
    board: 'Tableau',
    choose: 'Choisir un tableau…',
    saved: 'Enregistré',
    ready: /Prêt pour Pinterest/,
    text: 'Nos galettes des rois arrivent ✨',
    passphrase: 'une phrase de passe assez longue',
  },
  en: {
    locale: 'en-GB',
    missing: 'Pick the board this Pin goes to.',
    board: 'Board',
    choose: 'Choose a board…',
    saved: 'Saved',
    ready: /Ready for Pinterest/,
    text: 'Our kings’ cakes are coming ✨',
    passphrase: 'a passphrase that is long enough',
  },
};

const fake = useFake('./backend/network/pinterest/fakepinterest');

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];
  describe(`Pinterest boards in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const S = useScenario({ tag: `boards-${lang}`, locale: L.locale, env: () => ({ RELAIS_DEV_BROWSER: 'get', RELAIS_DEV_PINTEREST: fake.url }) });
    let page;
    let ws;
    let account;
    let post;
    const step = stepper(`${lang}-boards`, () => page);
    const editor = () => page.locator('dialog.editor');

    before(() => {
      page = S.page;
    });

    step('a client with a Pinterest account (OAuth) and a picture', async () => {
      await goCall(page, 'Vault', 'SetUpPassphrase', L.passphrase);
      ws = await goCall(page, 'Workspaces', 'Create', { name: 'Boulangerie Lune', timezone: 'Europe/Paris', language: lang });
      await goCall(page, 'Accounts', 'SetDevApp', 'pinterest', 'relais-agency-app', 'agency-secret', await freePort());
      [account] = await goCall(page, 'Accounts', 'ConnectOAuth', ws.id, 'pinterest');
      assert.equal(account?.handle, 'boulangerie_lune');
      const png = makePNG(600, [200, 140, 70]).toString('base64');
      await goCall(page, 'Library', 'ImportFiles', ws.id, [{ name: 'galette.png', data: png }]);
      const asset = await eventually(async () => {
        const res = await goCall(page, 'Library', 'Search', { workspaceId: ws.id, limit: 10 });
        return res.assets?.length === 1 ? res.assets[0] : false;
      }, 'the imported picture');
      post = await goCall(page, 'Posts', 'Create', ws.id, { text: L.text, due: '', status: 'approved', accountIds: [account.id], assetIds: [asset.id] });
      await page.reload();
      await appReady(page);
    });

    step('the editor says the Pin has no board, and lists every board by name', async () => {
      await page.getByRole('navigation', { name: /Navigation|Main/ }).getByRole('button', { name: 'Boulangerie Lune', exact: true }).click();
      await page.locator('#ws-tab-calendar').click();
      const chip = page.locator(`main [data-id="${post.id}"]`).first();
      await expectVisible(chip, 'the post in the unscheduled tray');
      await chip.click();
      await expectVisible(editor(), 'the post editor');
      await expectText(editor(), L.missing, 'the missing board');
      const select = editor().getByRole('combobox', { name: L.board });
      await eventually(async () => (await select.locator('option').count()) === 4, 'the three boards loaded');
      const names = await select.locator('option').allInnerTexts();
      assert.deepEqual(names, [L.choose, 'Atelier & coulisses', 'Brouillons', 'Recettes d’hiver'], 'every board, from both pages, by name');
      await shoot(page, lang, 'boards-01-missing');
    });

    step('picking a board clears the problem and is saved', async () => {
      await editor().getByRole('combobox', { name: L.board }).selectOption({ label: 'Recettes d’hiver' });
      await expectText(editor().locator('.save-state'), L.saved, 'the board saved');
      await eventually(async () => !(await editor().innerText()).includes(L.missing), 'the problem gone');
      await expectText(editor(), L.ready, 'the variant ready');
      const p = await goCall(page, 'Posts', 'Get', post.id);
      assert.equal(p.variants[0].board, '549755885175');
      await shoot(page, lang, 'boards-02-picked');
      await page.keyboard.press('Escape');
      await editor().waitFor({ state: 'hidden' });
    });

    step('scheduled, the Pin goes out on that board', async () => {
      const p = await goCall(page, 'Posts', 'Get', post.id);
      await goCall(page, 'Posts', 'Save', { ...p, due: new Date(Date.now() + 2000).toISOString(), status: 'scheduled' });
      // The fake serves both languages' scenarios: this one's Pin has its text.
      const mine = async () => (await (await fetch(`${fake.url}/_test/pins`)).json()).filter((x) => x.description === L.text);
      const pins = await eventually(async () => {
        const list = await mine();
        return list.length > 0 ? list : false;
      }, 'the Pin made', 30_000);
      await eventually(async () => (await goCall(page, 'Posts', 'Get', post.id)).status === 'published', 'the post published', 20_000);
      assert.equal((await mine()).length, 1, 'one Pin');
      assert.equal(pins[0].board_id, '549755885175');
      assert.deepEqual(S.pageErrors, [], 'no script error on the page');
    });
  });
}

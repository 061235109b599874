// The editorial calendar end to end, in French then in English, against the
// real Go backend: posts created through the bound methods, one dragged to
// another day with the mouse, one moved with the keyboard only, one
// duplicated with an Alt-drag, an idea dragged from the tray onto a day,
// then a reload that finds everything where it was put. Screenshots in
// both languages, light and dark.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SHOTS,
  atWallClock,
  browser,
  eventually,
  expectText,
  expectVisible,
  freePort,
  goCall,
  shoot,
  startBackend,
  stopBackend,
  useBrowser,
  stepper,
  wallClock,
} from './harness.mjs';

useBrowser();

const ZONE = 'Europe/Paris';

const UI = {
  fr: {
    locale: 'fr-FR',
    tab: 'Calendrier',
    nav: 'Calendrier',
    mainNav: 'Navigation principale',
    allTitle: 'Calendrier de tous les clients',
    nextMonth: 'Mois suivant',
    week: 'Semaine',
    prevWeek: 'Semaine précédente',
    nextWeek: 'Semaine suivante',
    list: 'Liste',
    month: 'Mois',
    tray: 'Non planifiées',
    picked: /saisie/,
    moved: /déplacée/,
    duplicated: /Copie de/,
    balance: 'Équilibre des piliers',
    zoneNote: /Heures de Europe\/Paris/,
    importCSV: 'Importer un CSV',
    csvFile: 'Fichier CSV',
    unknownAccount: 'Aucun compte de ce client ne s’appelle «\u00a0@personne\u00a0»',
    confirmImport: /^Importer 1\s+publication$/,
    cancel: 'Annuler',
  },
  en: {
    locale: 'en-GB',
    tab: 'Calendar',
    nav: 'Calendar',
    mainNav: 'Main',
    allTitle: 'Calendar of all clients',
    nextMonth: 'Next month',
    week: 'Week',
    prevWeek: 'Previous week',
    nextWeek: 'Next week',
    list: 'List',
    month: 'Month',
    tray: 'Unscheduled',
    picked: /Picked up/,
    moved: /moved to/,
    duplicated: /Copy of/,
    balance: 'Pillar balance',
    zoneNote: /Times are in Europe\/Paris/,
    importCSV: 'Import CSV',
    csvFile: 'CSV file',
    unknownAccount: 'No account of this client is called “@personne”',
    confirmImport: /^Import 1 post$/,
    cancel: 'Cancel',
  },
};

const paris = (iso) => wallClock(iso, ZONE);
const atParis = (day, hhmm) => atWallClock(day, hhmm, ZONE);

/** This month in Paris, as "YYYY-MM". */
function thisMonth() {
  return paris(new Date().toISOString())[0].slice(0, 7);
}

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`The calendar in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    let dataDir;
    let port;
    let backend;
    let context;
    let page;
    let ws;
    const pageErrors = [];
    const ids = {};
    const month = thisMonth();
    const day = (n) => `${month}-${String(n).padStart(2, '0')}`;
    const url = () => `http://127.0.0.1:${port}/`;
    const main = () => page.locator('main');
    const cell = (k) => main().locator(`[data-day="${k}"]`);
    const chip = (id) => main().locator(`[data-id="${id}"]`).first();
    const live = () => main().locator('[aria-live="assertive"]');
    const get = (id) => goCall(page, 'Posts', 'Get', id);

    const step = stepper(`${lang}-calendar`, () => page);

    async function openCalendar() {
      await page.getByRole('navigation').getByRole('button', { name: 'Café Lumière', exact: true }).click();
      await page.locator('#ws-tab-calendar').click();
      await expectVisible(cell(day(15)), 'the month grid');
    }

    /** drag presses on a post and moves to the centre of a day, in steps. */
    async function drag(id, toKey, { alt = false } = {}) {
      const from = await chip(id).boundingBox();
      const to = await cell(toKey).boundingBox();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      if (alt) await page.keyboard.down('Alt');
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
      await page.mouse.up();
      if (alt) await page.keyboard.up('Alt');
    }

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-e2e-calendar-${lang}-`));
      port = await freePort();
      backend = await startBackend(dataDir, port, `calendar-${lang}`);
      context = await browser.newContext({
        locale: L.locale,
        colorScheme: 'light',
        viewport: { width: 1280, height: 860 },
        timezoneId: 'America/New_York',
      });
      context.setDefaultTimeout(8000);
      page = await context.newPage();
      page.on('pageerror', (e) => {
        if (!String(e.stack).includes('/wails/')) pageErrors.push(e);
      });
      await page.goto(url());
      await page.waitForFunction(() => !!window.go?.app?.Posts);
    });

    after(async () => {
      await context?.close();
      if (backend) await stopBackend(backend).catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    step('posts created through Go show on their days, at Paris time', async () => {
      ws = await goCall(page, 'Workspaces', 'Create', {
        name: 'Café Lumière',
        color: '#b45309',
        timezone: ZONE,
        language: lang,
        pillars: [
          { name: lang === 'fr' ? 'Coulisses' : 'Behind the scenes', color: '#f59e0b', target: 40 },
          { name: lang === 'fr' ? 'Produits' : 'Products', color: '#0ea5e9', target: 60 },
        ],
      });
      const make = async (name, text, due, status) => {
        const p = await goCall(page, 'Posts', 'Create', ws.id, { text, due, status, accountIds: [], assetIds: [] });
        ids[name] = p.id;
      };
      await make('a', lang === 'fr' ? 'Nouvelle carte d’automne' : 'New autumn menu', atParis(day(10), '18:00'), 'approved');
      await make('b', lang === 'fr' ? 'Portrait du pâtissier' : 'Meet our pastry chef', atParis(day(12), '09:00'), 'draft');
      await make('c', lang === 'fr' ? 'Atelier latte art' : 'Latte art workshop', atParis(day(15), '12:30'), 'review');
      await make('idea', lang === 'fr' ? 'Idée : jeu concours' : 'Idea: giveaway', '', 'idea');
      for (const [name, pillar] of [['a', ws.pillars[1].id], ['b', ws.pillars[0].id], ['c', ws.pillars[1].id]]) {
        const p = await get(ids[name]);
        await goCall(page, 'Posts', 'Save', { ...p, pillar });
      }
      await page.reload();
      await openCalendar();
      await expectVisible(cell(day(10)).locator(`[data-id="${ids.a}"]`), 'post A on the 10th');
      await expectText(chip(ids.a), '18:00', 'post A at 18:00 Paris time');
      await expectVisible(cell(day(12)).locator(`[data-id="${ids.b}"]`), 'post B on the 12th');
      await expectVisible(main().getByRole('heading', { name: L.tray }), 'the unscheduled tray');
      await expectVisible(main().locator(`aside [data-id="${ids.idea}"]`), 'the idea in the tray');
      await expectText(main(), L.zoneNote, 'the timezone note');
      await expectVisible(main().getByRole('heading', { name: L.balance }), 'the pillar balance');
      await shoot(page, lang, 'calendar-month');
    });

    step('a post dragged with the mouse moves to another day and keeps its time', async () => {
      await drag(ids.a, day(11));
      await expectVisible(cell(day(11)).locator(`[data-id="${ids.a}"]`), 'post A on the 11th');
      await expectText(live(), L.moved, 'the move announced');
      await eventually(async () => {
        const p = await get(ids.a);
        assert.deepEqual(paris(p.due), [day(11), '18:00']);
        return true;
      }, 'post A stored on the 11th at 18:00');
    });

    step('a post moved with the keyboard only', async () => {
      await chip(ids.b).focus();
      await page.keyboard.press('Space');
      await expectText(live(), L.picked, 'the pick-up announced');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await expectVisible(cell(day(14)).locator('.preview'), 'where it would land');
      await shoot(page, lang, 'calendar-keyboard');
      await page.keyboard.press('Enter');
      await expectText(live(), L.moved, 'the drop announced');
      await expectVisible(cell(day(14)).locator(`[data-id="${ids.b}"]`), 'post B on the 14th');
      await eventually(async () => {
        const p = await get(ids.b);
        assert.deepEqual(paris(p.due), [day(14), '09:00']);
        return true;
      }, 'post B stored on the 14th');
      // Escape puts a picked-up post back.
      await chip(ids.b).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Escape');
      assert.deepEqual(paris((await get(ids.b)).due), [day(14), '09:00']);
    });

    step('an Alt-drag duplicates a post and leaves the original', async () => {
      await drag(ids.c, day(16), { alt: true });
      await expectText(live(), L.duplicated, 'the copy announced');
      await expectVisible(cell(day(16)).locator('[data-id]'), 'the copy on the 16th');
      await expectVisible(cell(day(15)).locator(`[data-id="${ids.c}"]`), 'the original still on the 15th');
      const copyId = await cell(day(16)).locator('[data-id]').first().getAttribute('data-id');
      assert.notEqual(copyId, ids.c);
      ids.copy = copyId;
      const copy = await get(copyId);
      assert.deepEqual(paris(copy.due), [day(16), '12:30']);
    });

    step('an idea dragged from the tray lands on a day', async () => {
      await drag(ids.idea, day(20));
      await expectVisible(cell(day(20)).locator(`[data-id="${ids.idea}"]`), 'the idea on the 20th');
      await eventually(async () => paris((await get(ids.idea)).due)[0] === day(20), 'the idea stored on the 20th');
    });

    step('week and list views, and the all-clients calendar', async () => {
      await main().getByRole('radio', { name: L.week }).click();
      await expectVisible(main().locator('.week'), 'the week view');
      // Go to the week of the 16th (weeks start on Monday in both locales used here).
      const monday = (k) => {
        const d = new Date(`${k}T12:00:00Z`);
        return Math.floor((d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000) / 86_400_000);
      };
      const weeks = (monday(day(16)) - monday(paris(new Date().toISOString())[0])) / 7;
      for (let i = 0; i < Math.abs(weeks); i++) {
        await main().getByRole('button', { name: weeks < 0 ? L.prevWeek : L.nextWeek }).click();
      }
      const inWeek = main().locator(`.week [data-day="${day(16)}"] [data-id="${ids.copy}"]`);
      await expectVisible(inWeek, 'the copy in the week view');
      // Two hours down (44 px an hour) and a little: it snaps to 14:30.
      const box = await inWeek.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 91, { steps: 10 });
      await page.mouse.up();
      await eventually(async () => {
        assert.deepEqual(paris((await get(ids.copy)).due), [day(16), '14:30']);
        return true;
      }, 'the copy moved to 14:30 in the week view');
      await shoot(page, lang, 'calendar-week');
      await main().getByRole('radio', { name: L.list }).click();
      await expectVisible(main().locator(`.list [data-id="${ids.a}"]`), 'post A in the list');
      await shoot(page, lang, 'calendar-list');
      await main().getByRole('radio', { name: L.month }).click();
      await page.getByRole('navigation', { name: L.mainNav }).getByRole('button', { name: L.nav, exact: true }).click();
      await expectText(page.getByRole('heading', { level: 1 }), L.allTitle);
      // The all-clients calendar opens on this computer's month (the
      // browser is in New York): for a few hours at each month's start,
      // Paris is already in the next one.
      if (wallClock(new Date().toISOString(), 'America/New_York')[0].slice(0, 7) < month) {
        await main().getByRole('button', { name: L.nextMonth, exact: true }).click();
      }
      await expectVisible(cell(day(11)).locator(`[data-id="${ids.a}"]`), 'post A in the all-clients view');
      await shoot(page, lang, 'calendar-all');
    });

    step('a CSV with an unknown account shows its errors and imports nothing', async () => {
      await openCalendar();
      await main().getByRole('button', { name: L.importCSV }).click();
      const dlg = page.getByRole('dialog');
      await expectVisible(dlg, 'the import dialog');
      await dlg.getByLabel(L.csvFile).setInputFiles({
        name: 'plan.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`date,accounts,text\n${day(25)} 18:00,@personne,Bonjour\n`),
      });
      await expectText(dlg, L.unknownAccount, 'the row error in the user’s language');
      assert.equal(await dlg.getByRole('button', { name: L.confirmImport }).isDisabled(), true, 'nothing to confirm');
      await shoot(page, lang, 'calendar-import');
      await dlg.getByRole('button', { name: L.cancel, exact: true }).click();
      const list = await goCall(page, 'Posts', 'Range', ws.id, `${month}-01T00:00:00Z`, `${month}-28T00:00:00Z`);
      assert.equal(list.length, 5, 'nothing was imported');
    });

    step('after a reload everything is where it was put', async () => {
      await page.reload();
      await page.waitForFunction(() => !!window.go?.app?.Posts);
      await openCalendar();
      await expectVisible(cell(day(11)).locator(`[data-id="${ids.a}"]`), 'A on the 11th');
      await expectVisible(cell(day(14)).locator(`[data-id="${ids.b}"]`), 'B on the 14th');
      await expectVisible(cell(day(15)).locator(`[data-id="${ids.c}"]`), 'C on the 15th');
      await expectVisible(cell(day(16)).locator(`[data-id="${ids.copy}"]`), 'the copy on the 16th');
      await expectText(cell(day(16)).locator(`[data-id="${ids.copy}"]`), '14:30', 'the copy at 14:30');
      await expectVisible(cell(day(20)).locator(`[data-id="${ids.idea}"]`), 'the idea on the 20th');
      assert.equal(await cell(day(10)).locator('[data-id]').count(), 0, 'nothing left on the 10th');
      await shoot(page, lang, 'calendar-reloaded');
    });

    step('clicking a post opens the editor', async () => {
      await chip(ids.a).click();
      const editor = page.locator('dialog.editor');
      await expectVisible(editor, 'the post editor');
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'hidden' });
      assert.deepEqual(pageErrors, []);
    });
  });
}

// The calendar's planning tools end to end, in French then in English,
// against the real Go backend: posting slots set in their dialog and kept,
// unscheduled posts put in the next free slots from the tray, a CSV plan
// previewed then imported (and bad files refused row by row, in the user's
// language), and the CSV and ICS exports read back from disk. The dev
// build answers the native save dialog with RELAIS_DEV_SAVE_DIR
// (app/devsave_dev.go). The browser runs in New York while the client is
// in Paris: every time checked here is Paris time.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addDays,
  appReady,
  atWallClock,
  eventually,
  expectHidden,
  expectText,
  expectVisible,
  goCall,
  shoot,
  useFakeMastodon,
  stepper,
  useBrowser,
  useScenario,
  wallClock,
} from './harness.mjs';

useBrowser();

const ZONE = 'Europe/Paris';
const TUESDAY = 2;
const THURSDAY = 4;

const UI = {
  fr: {
    locale: 'fr-FR',
    passphrase: 'une phrase de passe assez longue',
    slots: 'Créneaux de publication',
    addSlot: 'Ajouter un créneau',
    day: 'Jour',
    time: 'Heure',
    tuesday: 'Mardi',
    thursday: 'Jeudi',
    badTime: 'Écrivez l’heure sous la forme HH:MM, par exemple 18:00.',
    save: 'Enregistrer',
    cancel: 'Annuler',
    slotsSaved: 'Créneaux de publication enregistrés.',
    today: 'Aujourd’hui',
    nextMonth: 'Mois suivant',
    tray: /^Non planifiées/,
    queue: (text) => `Ajouter «\u00a0${text}\u00a0» à la file`,
    queued: (text) => `«\u00a0${text}\u00a0» ajoutée à la file\u00a0: `,
    pillar: 'Produits',
    q1: 'Les croissants du dimanche',
    q2: 'Portrait de notre torréfacteur',
    idea: 'Idée : concours photo',
    // French Excel: semicolons and French headers.
    goodCSV: (d) =>
      [
        'Date;Comptes;Texte;Premier commentaire;Pilier;Étiquettes',
        `${d.a} 10:00;${d.account};Nouvelle carte de printemps, dès mardi ☕;Réservez sur relais.fr;Produits;menu | printemps`,
        `${d.bFr} 12h30;mastodon;"Atelier latte art ; samedi matin";;;`,
        ';mastodon;Sans date : prochain créneau libre;;;',
      ].join('\r\n'),
    rows: ['Nouvelle carte de printemps, dès mardi ☕', 'Atelier latte art ; samedi matin', 'Sans date : prochain créneau libre'],
    importOpen: 'Importer un CSV',
    importTitle: 'Importer un planning depuis un fichier CSV',
    csvFile: 'Fichier CSV',
    read3: '3\u00a0lignes lues.',
    ready: 'Prête',
    confirm3: /^Importer 3\s+publications$/,
    imported3: '3\u00a0publications importées.',
    badRows: (d) =>
      ['Date;Comptes;Texte', `${d.a} 18:00;mastodon;Bonjour;en trop`, '2027-02-30 18:00;mastodon;Date impossible', `${d.a} 19:00;@personne;Compte inconnu`].join('\n'),
    rowErrors: [
      'Ligne\u00a0: Cette ligne a 4\u00a0cellules alors que l’en-tête en a 3.',
      'Date\u00a0: «\u00a02027-02-30 18:00\u00a0» n’est pas une date et une heure que Relais sait lire (écrivez 2027-03-30 18:00).',
      'Comptes\u00a0: Aucun compte de ce client ne s’appelle «\u00a0@personne\u00a0».',
    ],
    rowErrors3: /3\u00a0lignes ont des erreurs.*Rien n’est importé/,
    confirmAny: /^Importer \d+\s+publications?$/,
    malformed: /«\u00a0cassé\.csv\u00a0» n’est pas un CSV valide \(ligne \d+\)\u00a0: vérifiez les guillemets/,
    exportCSV: 'Exporter en CSV',
    exportICS: 'Exporter en ICS',
    exported: (p) => `Planning enregistré dans ${p}.`,
  },
  en: {
    locale: 'en-GB',
    passphrase: 'a passphrase that is long enough',
    slots: 'Posting slots',
    addSlot: 'Add a slot',
    day: 'Day',
    time: 'Time',
    tuesday: 'Tuesday',
    thursday: 'Thursday',
    badTime: 'Write the time as HH:MM, for example 18:00.',
    save: 'Save changes',
    cancel: 'Cancel',
    slotsSaved: 'Posting slots saved.',
    today: 'Today',
    nextMonth: 'Next month',
    tray: /^Unscheduled/,
    queue: (text) => `Add “${text}” to the queue`,
    queued: (text) => `“${text}” added to the queue: `,
    pillar: 'Products',
    q1: 'Sunday croissants',
    q2: 'Meet our coffee roaster',
    idea: 'Idea: photo contest',
    goodCSV: (d) =>
      [
        'date,accounts,text,first comment,pillar,labels',
        `${d.a} 10:00,${d.account},"New spring menu, from Tuesday ☕",Book at relais.fr,Products,menu | spring`,
        `${d.bFr} 12h30,mastodon,"Latte art workshop, Saturday morning",,,`,
        ',mastodon,No date: next free slot,,,',
      ].join('\n'),
    rows: ['New spring menu, from Tuesday ☕', 'Latte art workshop, Saturday morning', 'No date: next free slot'],
    importOpen: 'Import CSV',
    importTitle: 'Import a plan from a CSV file',
    csvFile: 'CSV file',
    read3: '3 rows read.',
    ready: 'Ready',
    confirm3: /^Import 3 posts$/,
    imported3: '3 posts imported.',
    badRows: (d) =>
      ['date,accounts,text', `${d.a} 18:00,mastodon,Hello,extra`, '2027-02-30 18:00,mastodon,Impossible date', `${d.a} 19:00,@nobody,Unknown account`].join('\n'),
    rowErrors: [
      'Row: This row has 4 cells where the header has 3.',
      'Date: “2027-02-30 18:00” is not a date and time Relais can read (write 2027-03-30 18:00).',
      'Accounts: No account of this client is called “@nobody”.',
    ],
    rowErrors3: /3 rows have errors.*Nothing is imported/,
    confirmAny: /^Import \d+ posts?$/,
    malformed: /“cassé\.csv” is not valid CSV \(line \d+\): check the quotes/,
    exportCSV: 'Export CSV',
    exportICS: 'Export ICS',
    exported: (p) => `Plan saved to ${p}.`,
  },
};

// ---------- Paris wall-clock arithmetic, independent of the machine's zone

const paris = (iso) => wallClock(iso, ZONE);
const atParis = (day, hhmm) => atWallClock(day, hhmm, ZONE);
const weekday = (key) => new Date(`${key}T12:00:00Z`).getUTCDay();
const months = (a, b) => (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
const todayParis = () => paris(new Date().toISOString())[0];
/** 2027-03-02 written as 02/03/2027, as French spreadsheets do. */
const frDate = (key) => key.split('-').reverse().join('/');
/** An instant as ICS writes it in UTC: 20270302T170000Z. */
const icsUTC = (iso) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** The next `n` Tuesday and Thursday 18:00 slots in Paris after now. */
function nextSlots(n) {
  const now = Date.now();
  const out = [];
  for (let k = todayParis(); out.length < n; k = addDays(k, 1)) {
    if (weekday(k) !== TUESDAY && weekday(k) !== THURSDAY) continue;
    const at = atParis(k, '18:00');
    if (Date.parse(at) > now) out.push(at);
  }
  return out;
}

/** parseCSV reads RFC 4180 CSV (quotes, doubled quotes, CRLF) after an optional BOM. */
function parseCSV(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  text = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** parseICS returns the VEVENTs of a calendar as {PROPERTY: value} (lines unfolded, parameters dropped). */
function parseICS(text) {
  const lines = text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const events = [];
  let ev = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') ev = {};
    else if (line === 'END:VEVENT') {
      events.push(ev);
      ev = null;
    } else if (ev) {
      const i = line.indexOf(':');
      ev[line.slice(0, i).split(';')[0]] = line.slice(i + 1);
    }
  }
  return { lines, events };
}

const fakeMastodon = useFakeMastodon();

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`Planning tools in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const saveDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-e2e-plan-save-${lang}-`));
    const S = useScenario({
      tag: `plan-${lang}`,
      locale: L.locale,
      colorScheme: 'light',
      viewport: { width: 1280, height: 860 },
      timezoneId: 'America/New_York',
      env: { RELAIS_DEV_BROWSER: 'get', RELAIS_DEV_SAVE_DIR: saveDir },
    });
    let page;
    let ws;
    let account;
    const ids = {};
    /** Every dated post of the scenario: { id, text, due }. */
    const dated = [];
    let slots = [];
    const main = () => page.locator('main');
    const cell = (k) => main().locator(`[data-day="${k}"]`);
    const live = () => main().locator('[aria-live="assertive"]');
    const notices = () => page.locator('.notices[role="status"]');
    const dialog = (name) => page.getByRole('dialog', { name });
    const chipIn = (k, text) => cell(k).getByRole('button', { name: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    const step = stepper(`${lang}-plan`, () => page);

    async function openCalendar() {
      await page.getByRole('navigation').getByRole('button', { name: 'Atelier Mirabelle', exact: true }).click();
      await page.locator('#ws-tab-calendar').click();
      await expectVisible(cell(todayParis()), 'the month grid');
    }

    /**
     * dismiss closes the notices, as a user would before opening a dialog:
     * a modal dialog makes them inert until they time out.
     */
    async function dismiss() {
      const closers = notices().getByRole('button');
      while ((await closers.count()) > 0) await closers.first().click();
    }

    /** show brings the month of day `k` (today or later) on screen. */
    async function show(k) {
      await main().getByRole('button', { name: L.today, exact: true }).click();
      for (let i = 0; i < months(todayParis(), k); i++) {
        await main().getByRole('button', { name: L.nextMonth, exact: true }).click();
      }
      await expectVisible(cell(k), `the day ${k}`);
    }

    /** allPosts lists the client's dated posts over two years. */
    async function allPosts() {
      const now = Date.now();
      const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return goCall(page, 'Posts', 'Range', ws.id, iso(now - 366 * 86_400_000), iso(now + 366 * 86_400_000));
    }

    before(() => {
      page = S.page;
    });
    after(() => fs.rmSync(saveDir, { recursive: true, force: true }));

    step('posting slots: Tuesday and Thursday at 18:00, kept', async () => {
      await goCall(page, 'Vault', 'SetUpPassphrase', L.passphrase);
      ws = await goCall(page, 'Workspaces', 'Create', {
        name: 'Atelier Mirabelle',
        color: '#7c3aed',
        timezone: ZONE,
        language: lang,
        pillars: [{ name: L.pillar, color: '#0ea5e9', target: 50 }],
      });
      [account] = await goCall(page, 'Accounts', 'ConnectMastodon', ws.id, fakeMastodon.url);
      assert.ok(account?.id, 'the Mastodon account is connected');
      await page.reload();
      await appReady(page);
      await openCalendar();

      await dismiss();
      await main().getByRole('button', { name: L.slots, exact: true }).click();
      const dlg = dialog(L.slots);
      await expectVisible(dlg, 'the slots dialog');
      const group = dlg.getByRole('group', { name: /Café Lumière/ });
      await group.getByRole('button', { name: L.addSlot }).click();
      await group.getByRole('button', { name: L.addSlot }).click();
      const days = group.getByRole('combobox', { name: L.day });
      const times = group.getByRole('textbox', { name: L.time });
      await eventually(async () => (await days.count()) === 2, 'two slots');
      await days.nth(0).selectOption({ label: L.tuesday });
      await days.nth(1).selectOption({ label: L.thursday });
      await times.nth(0).fill('18:00');
      // A time the dialog cannot read is refused, next to the field.
      await times.nth(1).fill('6pm');
      await dlg.getByRole('button', { name: L.save, exact: true }).click();
      await expectText(dlg, L.badTime, 'the time error');
      assert.equal(await times.nth(1).getAttribute('aria-invalid'), 'true');
      await shoot(page, lang, 'plan-01-slots-bad-time');
      await times.nth(1).fill('18:00');
      await dlg.getByRole('button', { name: L.save, exact: true }).click();
      await expectHidden(dlg, 'the slots dialog, closed');
      await expectText(notices(), L.slotsSaved, 'the saved notice');

      // Reopened, the dialog shows what Go kept.
      await dismiss();
      await main().getByRole('button', { name: L.slots, exact: true }).click();
      await expectVisible(dlg, 'the slots dialog again');
      await eventually(async () => (await days.count()) === 2, 'two slots kept');
      const shown = [];
      for (let i = 0; i < 2; i++) {
        shown.push([await days.nth(i).evaluate((s) => s.selectedOptions[0]?.textContent?.trim()), await times.nth(i).inputValue()]);
      }
      assert.deepEqual(shown, [
        [L.tuesday, '18:00'],
        [L.thursday, '18:00'],
      ]);
      assert.deepEqual(
        (await goCall(page, 'Posts', 'Slots', ws.id)).map((s) => [s.accountId, s.weekday, s.time]),
        [
          [account.id, TUESDAY, '18:00'],
          [account.id, THURSDAY, '18:00'],
        ],
      );
      await shoot(page, lang, 'plan-02-slots-kept');
      await dlg.getByRole('button', { name: L.cancel, exact: true }).click();
      await expectHidden(dlg, 'the slots dialog, closed');
    });

    step('add to queue: unscheduled posts go to the next free slots', async () => {
      const make = async (name, text, status, accountIds) => {
        const p = await goCall(page, 'Posts', 'Create', ws.id, { text, due: '', status, accountIds, assetIds: [] });
        ids[name] = p.id;
      };
      await make('q1', L.q1, 'approved', [account.id]);
      await make('q2', L.q2, 'draft', [account.id]);
      await make('idea', L.idea, 'idea', []);
      const tray = main().getByRole('region', { name: L.tray });
      for (const text of [L.q1, L.q2, L.idea]) {
        await expectVisible(tray.getByRole('button', { name: L.queue(text), exact: true }), `“${text}” in the tray`);
      }
      await shoot(page, lang, 'plan-03-tray');

      for (const [name, text] of [
        ['q1', L.q1],
        ['q2', L.q2],
      ]) {
        // Computed just before the click: the first slot after now that
        // no post holds (if 18:00 passes mid-test, the next one).
        slots = nextSlots(5);
        const slot = slots.find((s) => !dated.some((p) => p.due === s));
        const [day, time] = paris(slot);
        assert.equal(time, '18:00');
        await tray.getByRole('button', { name: L.queue(text), exact: true }).click();
        await expectText(live(), L.queued(text), `“${text}” queued, announced`);
        await expectText(notices(), L.queued(text), `“${text}” queued, in a notice`);
        const said = (await live().innerText()).toLowerCase();
        const wd = new Intl.DateTimeFormat(L.locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
        assert.ok(said.includes(wd.toLowerCase()), `the announcement names ${wd}: ${said}`);
        assert.ok(said.includes(String(Number(day.slice(8)))) && said.includes('18:00'), `the announcement gives the day and time: ${said}`);
        await expectHidden(tray.getByRole('button', { name: L.queue(text), exact: true }), `“${text}” out of the tray`);
        await show(day);
        const chip = chipIn(day, text);
        await expectVisible(chip, `“${text}” on ${day}`);
        await expectText(chip.locator('[data-time]'), '18:00', `“${text}” at 18:00`);
        const p = await goCall(page, 'Posts', 'Get', ids[name]);
        assert.equal(p.due, slot, `“${text}” stored at ${slot}`);
        dated.push({ id: ids[name], text, due: p.due });
      }
      // The idea has no account, so no slot: it stays in the tray.
      await expectVisible(tray.getByRole('button', { name: L.queue(L.idea), exact: true }), 'the idea still in the tray');
      await shoot(page, lang, 'plan-04-queued');
    });

    /** How a plan names the account: "mastodon:@cafe@127.0.0.1:port". */
    const planName = () => `mastodon:@${account.handle.replace(/^@/, '')}`;
    const dates = () => {
      const a = addDays(todayParis(), 1);
      const b = addDays(todayParis(), 2);
      return { a, b, bFr: frDate(b), account: planName() };
    };

    step('a CSV plan: previewed row by row, then imported onto the calendar', async () => {
      const d = dates();
      const file = path.join(saveDir, 'planning.csv');
      fs.writeFileSync(file, L.goodCSV(d));
      const before = (await allPosts()).length;

      await dismiss();
      await main().getByRole('button', { name: L.importOpen, exact: true }).click();
      const dlg = dialog(L.importTitle);
      await expectVisible(dlg, 'the import dialog');
      assert.equal(await dlg.getByRole('button', { name: L.confirmAny }).isDisabled(), true, 'nothing to import before a file');
      await dlg.getByLabel(L.csvFile).setInputFiles(file);
      await expectText(dlg.getByRole('status'), L.read3, 'the preview summary');
      const rows = dlg.getByRole('row');
      await eventually(async () => (await rows.count()) === 4, 'a header and three rows');
      // The third row has no date: it gets the first slot the queue left free.
      const third = nextSlots(5).find((s) => !dated.some((p) => p.due === s));
      const want = [
        [d.a, '10:00'],
        [d.b, '12:30'],
        paris(third),
      ];
      for (let i = 0; i < 3; i++) {
        const row = rows.nth(i + 1);
        await expectText(row, L.rows[i], `row ${i + 1}'s text`);
        await expectText(row, L.ready, `row ${i + 1} ready`);
        await expectText(row, want[i][1], `row ${i + 1}'s time`);
        // Accounts as people read them, not as ids.
        await expectText(row, /mastodon:@/, `row ${i + 1}'s account`);
        assert.ok(!(await row.innerText()).includes(account.id), 'no account id shown');
      }
      await shoot(page, lang, 'plan-05-import-preview');
      assert.equal((await allPosts()).length, before, 'nothing stored by a preview');

      await dlg.getByRole('button', { name: L.confirm3 }).click();
      await expectHidden(dlg, 'the import dialog, closed');
      await expectText(notices(), L.imported3, 'the imported notice');
      const all = await allPosts();
      assert.equal(all.length, before + 3, 'three posts imported');
      for (let i = 0; i < 3; i++) {
        const e = all.find((x) => x.excerpt === L.rows[i]);
        assert.ok(e, `“${L.rows[i]}” stored`);
        assert.deepEqual(paris(e.due), want[i], `“${L.rows[i]}” stored at ${want[i].join(' ')} Paris time`);
        assert.deepEqual(e.accountIds, [account.id]);
        dated.push({ id: e.id, text: L.rows[i], due: e.due });
      }
      const first = await goCall(page, 'Posts', 'Get', dated[2].id);
      assert.equal(first.pillar, ws.pillars[0].id, 'the pillar, by its name');
      assert.deepEqual(first.labels, lang === 'fr' ? ['menu', 'printemps'] : ['menu', 'spring']);
      for (let i = 0; i < 3; i++) {
        await show(want[i][0]);
        const chip = chipIn(want[i][0], L.rows[i].slice(0, 20));
        await expectVisible(chip, `“${L.rows[i]}” on the calendar`);
        await expectText(chip.locator('[data-time]'), want[i][1]);
      }
      await show(d.a);
      await shoot(page, lang, 'plan-06-imported');
    });

    step('bad CSV files: errors in the user’s language, nothing imported', async () => {
      const d = dates();
      const before = (await allPosts()).length;
      await dismiss();
      await main().getByRole('button', { name: L.importOpen, exact: true }).click();
      const dlg = dialog(L.importTitle);
      await expectVisible(dlg, 'the import dialog');

      // Not CSV at all: an unclosed quote.
      await dlg.getByLabel(L.csvFile).setInputFiles({
        name: 'cassé.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`date,accounts,text\n${d.a} 18:00,mastodon,"pas fermé\n${d.b} 18:00,mastodon,ok\n`),
      });
      await expectText(dlg.getByRole('alert'), L.malformed, 'the file error');
      assert.equal(await dlg.getByRole('button', { name: L.confirmAny }).isDisabled(), true, 'nothing to import');

      // CSV, but every row has a problem.
      await dlg.getByLabel(L.csvFile).setInputFiles({ name: 'erreurs.csv', mimeType: 'text/csv', buffer: Buffer.from(L.badRows(d)) });
      await expectText(dlg.getByRole('status'), L.rowErrors3, 'the error summary');
      const rows = dlg.getByRole('row');
      await eventually(async () => (await rows.count()) === 4, 'a header and three rows');
      for (let i = 0; i < 3; i++) {
        await expectText(rows.nth(i + 1).getByRole('listitem'), L.rowErrors[i], `row ${i + 1}'s error`);
      }
      assert.equal(await dlg.getByRole('button', { name: L.confirmAny }).isDisabled(), true, 'importing is impossible');
      // Even asked directly, Go refuses the preview.
      const preview = await goCall(page, 'Posts', 'ImportPreview', ws.id, { name: 'erreurs.csv', data: Buffer.from(L.badRows(d)).toString('base64') });
      assert.equal(preview.ok, false);
      await assert.rejects(goCall(page, 'Posts', 'ImportConfirm', preview.token));
      await shoot(page, lang, 'plan-07-import-errors');
      await dlg.getByRole('button', { name: L.cancel, exact: true }).click();
      await expectHidden(dlg, 'the import dialog, closed');
      assert.equal((await allPosts()).length, before, 'nothing was imported');
    });

    step('exports: the month as CSV, the plan as ICS, read back from disk', async () => {
      // The month of the first queued post; the CSV holds that month only.
      const [day] = paris(dated[0].due);
      const month = day.slice(0, 7);
      await show(day);
      await main().getByRole('button', { name: L.exportCSV, exact: true }).click();
      const csvPath = path.join(saveDir, `plan-${month}.csv`);
      await expectText(notices(), L.exported(csvPath), 'the CSV export notice');
      const [header, ...rows] = parseCSV(fs.readFileSync(csvPath, 'utf8'));
      assert.deepEqual(header, ['date', 'accounts', 'text', 'first comment', 'visuals', 'alt text', 'pillar', 'campaign', 'labels']);
      const got = rows.map((r) => [r[0], r[1], r[2]]).sort();
      const want = dated
        .filter((p) => paris(p.due)[0].startsWith(month))
        .map((p) => [paris(p.due).join(' '), planName(), p.text])
        .sort();
      assert.ok(want.length >= 1);
      assert.deepEqual(got, want, 'one row per post of the month, at Paris time');
      const menu = rows.find((r) => r[2] === L.rows[0]);
      if (menu) {
        assert.equal(menu[6], L.pillar);
        assert.equal(menu[3], lang === 'fr' ? 'Réservez sur relais.fr' : 'Book at relais.fr');
      }

      await main().getByRole('button', { name: L.exportICS, exact: true }).click();
      const icsPath = path.join(saveDir, 'plan.ics');
      await expectText(notices(), L.exported(icsPath), 'the ICS export notice');
      const { lines, events } = parseICS(fs.readFileSync(icsPath, 'utf8'));
      assert.ok(lines.includes('X-WR-TIMEZONE:Europe/Paris'));
      assert.equal(events.length, dated.length, 'one VEVENT per dated post, none for the idea');
      for (const p of dated) {
        const ev = events.find((e) => e.UID === `${p.id}@relais`);
        assert.ok(ev, `an event for “${p.text}”`);
        assert.equal(ev.DTSTART, icsUTC(p.due), `“${p.text}” starts at ${p.due}`);
        assert.match(ev.SUMMARY, /^\[mastodon\] /);
      }
      assert.ok(!events.some((e) => e.UID === `${ids.idea}@relais`));
      await shoot(page, lang, 'plan-08-exported');
      assert.deepEqual(S.pageErrors, [], 'no script error on the page');
    });
  });
}

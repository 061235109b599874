// End-to-end: the visual library in headless Chromium against the real Go
// backend, in French then in English. A folder of real pictures (made here
// with ImageMagick and the harness's PNG encoder), one of them corrupt and
// one a copy of another, goes in through the file input the browser
// allows; then tagging, search, the focal point, one crop by hand, exports
// (one visual, and a selection through the export dialog) checked on disk,
// the delete of a visual a scheduled post uses, and a cancelled import.
// The dev build answers the export's folder dialog with
// RELAIS_DEV_FOLDER_DIR.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addDays,
  eventually,
  expectHidden,
  expectText,
  expectVisible,
  goCall,
  makePNG,
  pngChunk,
  shoot,
  useBrowser,
  useScenario,
  stepper,
  useFakeMastodon,
} from './harness.mjs';

useBrowser();
// A scheduled post needs an account: a fake Mastodon instance gives one.
const fakeMastodon = useFakeMastodon();

const UI = {
  fr: {
    locale: 'fr-FR',
    nav: 'Navigation principale',
    tab: 'Médiathèque',
    emptyTitle: 'Aucun visuel pour l’instant',
    files: 'Fichiers image',
    doneTitle: 'Import terminé',
    imported: '3\u00a0visuels importés',
    importedOne: '1\u00a0visuel importé',
    from: 'Pris ou importé du',
    noMatch: 'Aucun visuel ne correspond à cette recherche.',
    duplicates: '1\u00a0était déjà dans la médiathèque',
    failed: '1\u00a0fichier n’a pas pu être importé\u00a0:',
    corrupt: /«\u00a0casse\.jpg\u00a0»/,
    count: (n) => `${n}\u00a0visuel${n > 1 ? 's' : ''}`,
    grid: 'Visuels',
    selected: (n) => `${n}\u00a0sélectionné${n > 1 ? 's' : ''}`,
    details: 'Détails',
    tags: 'Tags',
    alt: /^Texte alternatif/,
    save: 'Enregistrer',
    tagMenu: 'Taguer…',
    tagsToAdd: 'Tags à ajouter',
    apply: 'Appliquer',
    search: 'Rechercher des visuels',
    tagFilter: 'Tag',
    orientation: 'Orientation',
    portrait: 'Portrait',
    anyOrientation: 'Toutes orientations',
    clear: 'Effacer les filtres',
    focal: (name) => `Point focal de ${name}`,
    adjustX: 'Ajuster le recadrage pour X 16:9',
    cropArea: 'Zone de recadrage pour X 16:9',
    saveCrop: 'Enregistrer le recadrage',
    resetCrop: 'Revenir au point focal',
    cropSaved: 'Recadrage enregistré pour X 16:9.',
    manual: 'Recadré à la main',
    renditions: 'Déclinaisons par réseau',
    deleteMenu: 'Supprimer…',
    deleteTitle: 'Supprimer 1\u00a0visuel\u00a0?',
    deleteConfirm: 'Supprimer',
    deleted: '1\u00a0visuel supprimé.',
    allClients: 'Tous les clients',
    altText: 'Une terrasse au soleil',
    tagWord: 'terrasse',
    bulkWord: 'été',
    thisClient: 'Ce client',
    cancelImport: 'Annuler l’import',
    cancelledTitle: 'Import annulé',
    exportMenu: 'Exporter…',
    exportTitle: 'Exporter 3\u00a0visuels',
    presetsNone: 'Aucune',
    background: 'Fond des zones transparentes',
    brand: 'Couleur de marque #c2410c',
    chooseFolder: 'Choisir un dossier…',
    exported: '3\u00a0fichiers exportés dans',
    inUseTitle: 'Certains de ces visuels sont dans des publications programmées',
    postText: 'Nouvelle carte d’été en terrasse',
    scheduledFor: 'programmée le',
    cancel: 'Annuler',
    passphrase: 'une phrase de passe assez longue',
    shared: '1\u00a0était déjà dans la médiathèque de Café Lumière\u00a0: son fichier n’est stocké qu’une fois',
  },
  en: {
    locale: 'en-US',
    nav: 'Main',
    tab: 'Library',
    emptyTitle: 'No visuals yet',
    files: 'Image files',
    doneTitle: 'Import finished',
    imported: '3 visuals imported',
    importedOne: '1 visual imported',
    from: 'Taken or imported from',
    noMatch: 'No visual matches this search.',
    duplicates: '1 was already in the library',
    failed: '1 file could not be imported:',
    corrupt: /“casse\.jpg”/,
    count: (n) => `${n} visual${n > 1 ? 's' : ''}`,
    grid: 'Visuals',
    selected: (n) => `${n} selected`,
    details: 'Details',
    tags: 'Tags',
    alt: /^Alt text/,
    save: 'Save',
    tagMenu: 'Tag…',
    tagsToAdd: 'Tags to add',
    apply: 'Apply',
    search: 'Search visuals',
    tagFilter: 'Tag',
    orientation: 'Orientation',
    portrait: 'Portrait',
    anyOrientation: 'Any orientation',
    clear: 'Clear filters',
    focal: (name) => `Focal point of ${name}`,
    adjustX: 'Adjust the crop for X 16:9',
    cropArea: 'Crop area for X 16:9',
    saveCrop: 'Save crop',
    resetCrop: 'Back to the focal point',
    cropSaved: 'Crop saved for X 16:9.',
    manual: 'Crop set by hand',
    renditions: 'Renditions per network',
    deleteMenu: 'Delete…',
    deleteTitle: 'Delete 1 visual?',
    deleteConfirm: 'Delete',
    deleted: '1 visual deleted.',
    allClients: 'All clients',
    altText: 'A sunny terrace',
    tagWord: 'terrace',
    bulkWord: 'summer',
    thisClient: 'This client',
    cancelImport: 'Cancel import',
    cancelledTitle: 'Import cancelled',
    exportMenu: 'Export…',
    exportTitle: 'Export 3 visuals',
    presetsNone: 'None',
    background: 'Background for transparent areas',
    brand: 'Brand colour #c2410c',
    chooseFolder: 'Choose a folder…',
    exported: '3 files exported to',
    inUseTitle: 'Some of these visuals are in scheduled posts',
    postText: 'New summer menu on the terrace',
    scheduledFor: 'scheduled for',
    cancel: 'Cancel',
    passphrase: 'a passphrase that is long enough',
    shared: '1 was already in the library of Café Lumière: its file is stored once',
  },
};

/** makeFolder writes the pictures a person would drop: three good ones, a copy and a broken one. */
function makeFolder(dir) {
  const magick = (args) => execFileSync('convert', args, { stdio: 'pipe' });
  const terrasse = path.join(dir, 'terrasse.jpg');
  magick(['-size', '1600x900', 'gradient:#f59e0b-#1e3a8a', '-fill', '#ffffff', '-draw', 'circle 400,450 400,300', '-quality', '85', terrasse]);
  magick(['-size', '900x1400', 'plasma:fractal', '-seed', '7', '-quality', '85', path.join(dir, 'portrait.jpg')]);
  fs.writeFileSync(path.join(dir, 'logo.png'), makePNG(600, [194, 65, 12]));
  // The same bytes under another name: stored once, reported as already there.
  fs.copyFileSync(terrasse, path.join(dir, 'copie de terrasse.jpg'));
  // A JPEG cut in the middle: its header is fine, its pixels are not.
  const bytes = fs.readFileSync(terrasse);
  fs.writeFileSync(path.join(dir, 'casse.jpg'), bytes.subarray(0, Math.floor(bytes.length / 3)));
  return fs.readdirSync(dir).sort().map((f) => path.join(dir, f));
}

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`Library in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    // The folder the export dialog "picks" (made when the backend starts).
    let folderDir;
    const S = useScenario({
      tag: `library-${lang}`,
      locale: L.locale,
      colorScheme: 'light',
      viewport: { width: 1280, height: 820 },
      env: () => ({
        RELAIS_DEV_BROWSER: 'get',
        RELAIS_DEV_FOLDER_DIR: (folderDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-e2e-folder-${lang}-`))),
      }),
    });
    let picDir;
    let outDir;
    let page;
    let ws;
    // The landscape picture and its copy go in at the same time: whichever
    // the workers store first keeps its name.
    let terrace = 'terrasse.jpg';
    const main = () => page.locator('main');
    const dialog = () => page.getByRole('dialog');
    const alertDialog = () => page.getByRole('alertdialog');
    const grid = () => main().getByRole('listbox', { name: L.grid });
    // Across every client an option's name starts with the client's ("Café Lumière: logo.png").
    const option = (name) =>
      grid().getByRole('option', { name: new RegExp(`(^|: )${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
    const count = () => main().locator('.count');
    const assets = async () => (await goCall(page, 'Library', 'Search', { workspaceId: ws.id, limit: 100 })).assets;
    const byName = async (name) => (await assets()).find((a) => a.name === name);

    const step = stepper(`${lang}-library`, () => page);
    // Close the notices first: behind a modal dialog they cannot be clicked away.
    const closeNotices = async () => {
      const closers = page.getByRole('status').getByRole('button');
      while ((await closers.count()) > 0) await closers.first().click();
    };

    before(() => {
      page = S.page;
      S.context.setDefaultTimeout(10000); // this scenario's own, longer than the harness's 8 s
      picDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-e2e-pics-${lang}-`));
      outDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-e2e-export-${lang}-`));
    });

    after(() => {
      for (const d of [picDir, outDir, folderDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    step('a client’s library starts empty and says how to fill it', async () => {
      ws = await goCall(page, 'Workspaces', 'Create', {
        name: 'Café Lumière',
        color: '#c2410c',
        timezone: 'Europe/Paris',
        language: lang,
        brandKit: { colors: ['#c2410c'], tone: '', hashtags: [], signature: '' },
      });
      await goCall(page, 'Workspaces', 'Create', { name: 'Atelier Nord', timezone: 'Asia/Tokyo', language: 'en' });
      const nav = page.getByRole('navigation', { name: L.nav });
      await nav.getByRole('button', { name: 'Café Lumière' }).click();
      await page.getByRole('button', { name: L.tab, exact: true }).click();
      await expectText(main().getByRole('heading', { level: 3 }), L.emptyTitle);
      await shoot(page, lang, 'library-01-empty');
    });

    step('importing a folder: the copy is stored once, the broken file is named, the rest goes on', async () => {
      const files = makeFolder(picDir);
      await main().getByLabel(L.files).setInputFiles(files);
      const summary = main().getByRole('region', { name: L.doneTitle });
      await expectVisible(summary, 'the import summary');
      await expectText(summary, L.imported);
      await expectText(summary, L.duplicates);
      await expectText(summary, L.failed);
      await expectText(summary, L.corrupt);
      await expectText(count(), L.count(3));
      const list = await assets();
      assert.equal(list.length, 3);
      terrace = list.find((a) => a.orientation === 'landscape')?.name ?? '';
      assert.ok(['terrasse.jpg', 'copie de terrasse.jpg'].includes(terrace), `the landscape picture: ${terrace}`);
      assert.deepEqual(list.map((a) => a.name).sort(), ['logo.png', 'portrait.jpg', terrace].sort());
      await expectVisible(option(terrace));
      await expectVisible(option('portrait.jpg'));
      await expectVisible(option('logo.png'));
      const thumbs = await page.evaluate(() =>
        [...document.querySelectorAll('[role=option] img')].map((i) => i.complete && i.naturalWidth > 0),
      );
      assert.ok(thumbs.length === 3 && thumbs.every(Boolean), 'every thumbnail is shown');
      await shoot(page, lang, 'library-02-imported');
    });

    step('the grid works from the keyboard: arrows, Space, Shift, Enter', async () => {
      await grid().focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('Space');
      await expectText(main().getByRole('toolbar'), L.selected(1));
      await page.keyboard.press('Shift+ArrowRight');
      await expectText(main().getByRole('toolbar'), L.selected(2));
      await page.keyboard.press('Control+KeyA');
      await expectText(main().getByRole('toolbar'), L.selected(3));
      await shoot(page, lang, 'library-03-selection');
      await page.keyboard.press('Escape');
      await expectHidden(main().getByRole('toolbar'), 'the selection bar');
      // Enter opens the visual under the cursor; Escape comes back to the grid.
      const second = await grid().locator('[role=option][aria-posinset="2"]').innerText();
      await page.keyboard.press('Enter');
      await expectText(dialog().getByRole('heading', { level: 2 }), second.trim());
      await page.keyboard.press('Escape');
      await expectHidden(dialog(), 'the details');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'listbox');
    });

    step('tagging one visual in its details, then all of them at once', async () => {
      await option(terrace).click();
      await main().getByRole('button', { name: L.details, exact: true }).click();
      await expectVisible(dialog(), 'the details');
      const tags = dialog().getByRole('textbox', { name: L.tags, exact: true });
      await tags.fill(L.tagWord);
      await tags.press('Enter');
      await dialog().getByLabel(L.alt).fill(L.altText);
      await dialog().getByRole('button', { name: L.save, exact: true }).click();
      await eventually(async () => {
        const a = await byName(terrace);
        return a.tags.includes(L.tagWord) && a.alt === L.altText;
      }, 'the tag and alt text saved');
      await page.keyboard.press('Escape');
      await expectHidden(dialog(), 'the details');

      await grid().focus();
      await page.keyboard.press('Control+KeyA');
      await main().getByRole('button', { name: L.tagMenu }).click();
      const add = dialog().getByRole('textbox', { name: L.tagsToAdd });
      await add.fill(L.bulkWord);
      await add.press('Enter');
      await dialog().getByRole('button', { name: L.apply }).click();
      await expectHidden(dialog(), 'the tag dialog');
      await eventually(async () => (await assets()).every((a) => a.tags.includes(L.bulkWord)), 'every visual tagged');
      await page.keyboard.press('Escape');
    });

    step('searching by text, tag and orientation', async () => {
      const box = main().getByRole('searchbox', { name: L.search });
      await box.fill(L.tagWord);
      await expectText(count(), L.count(1));
      await expectVisible(option(terrace));
      await box.fill('');
      await expectText(count(), L.count(3));
      await main().getByRole('combobox', { name: L.orientation }).selectOption({ label: L.portrait });
      await expectText(count(), L.count(1));
      await expectVisible(option('portrait.jpg'));
      await shoot(page, lang, 'library-04-search');
      await main().getByRole('button', { name: L.clear }).click();
      await expectText(count(), L.count(3));
      await main().getByRole('combobox', { name: L.tagFilter, exact: true }).selectOption(L.tagWord);
      await expectText(count(), L.count(1));
      await main().getByRole('button', { name: L.clear }).click();
      await expectText(count(), L.count(3));
      // Dates, on the client's (Paris) calendar, not UTC's: from each
      // visual's own day (taken, else imported) all three match; from the
      // day after the latest, none. Days come from the visuals, not from
      // "now", so a Paris midnight or a 25-hour night mid-test changes
      // nothing.
      const day = (iso) =>
        new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
      const days = (await assets()).map((a) => day(a.takenAt || a.importedAt)).sort();
      await main().getByLabel(L.from).fill(days[0]);
      await expectText(count(), L.count(3));
      await main().getByLabel(L.from).fill(addDays(days.at(-1), 1));
      await expectText(main().getByText(L.noMatch), L.noMatch);
      await main().getByRole('button', { name: L.clear }).click();
      await expectText(count(), L.count(3));
      // Across every client: the same visuals (the other client has none).
      await main().getByRole('radio', { name: L.allClients }).check({ force: true });
      await expectText(count(), L.count(3));
    });

    step('setting the focal point by a click, then with the arrow keys', async () => {
      await option(terrace).dblclick();
      await expectVisible(dialog(), 'the details');
      const pic = dialog().getByRole('slider', { name: L.focal(terrace) });
      await pic.locator('img').evaluate((img) => img.decode());
      const box = await pic.locator('img').boundingBox();
      await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5);
      await eventually(async () => Math.abs((await byName(terrace)).focalX - 0.25) < 0.02, 'focal x at 25 %', 20000);
      await pic.focus();
      await page.keyboard.press('Shift+ArrowUp');
      await eventually(async () => Math.abs((await byName(terrace)).focalY - 0.4) < 0.02, 'focal y at 40 % after Shift+Up', 20000);
      // Every rendition is shown side by side, and follows the focal point.
      await eventually(
        async () => (await dialog().locator('.cards img').count()) >= 13,
        'the thirteen renditions',
        20000,
      );
      await eventually(
        () => dialog().locator('.cards img').evaluateAll((imgs) => imgs.every((i) => i.complete && i.naturalWidth > 0)),
        'every rendition loaded',
        20000,
      );
      const a = await byName(terrace);
      const rs = await goCall(page, 'Library', 'Renditions', a.id, '');
      const sq = rs.find((r) => r.presetId === 'instagram-square');
      // 1600×900 picture, square crop 900×900 centred on x = 25 % (400 px): x = 0 (edge).
      assert.deepEqual(sq.crop, { x: 0, y: 0, w: 900, h: 900 });
      assert.equal(sq.manual, false);
      await shoot(page, lang, 'library-05-details');
      await dialog().getByRole('heading', { name: L.renditions }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
      await shoot(page, lang, 'library-06-renditions');
    });

    step('adjusting one crop by hand in the cropper', async () => {
      const before = (await goCall(page, 'Library', 'Renditions', (await byName(terrace)).id, '')).find(
        (r) => r.presetId === 'x',
      );
      await dialog().getByRole('button', { name: L.adjustX }).click();
      const area = dialog().getByRole('region', { name: L.cropArea });
      await expectVisible(area, 'the cropper');
      await expectVisible(area.locator('img'), 'the picture in the cropper');
      await area.focus();
      // Zoom in twice, then move the picture: the frame shows another part.
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      await page.keyboard.press('Shift+ArrowLeft');
      // And a drag with the mouse.
      const b = await area.boundingBox();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2 + 40, b.y + b.height / 2 + 10, { steps: 5 });
      await page.mouse.up();
      await shoot(page, lang, 'library-07-cropper');
      await dialog().getByRole('button', { name: L.saveCrop }).click();
      await expectVisible(page.getByRole('status').filter({ hasText: L.cropSaved }), 'the saved notice');
      await expectVisible(dialog().getByText(L.manual), 'the hand-set badge');
      const after = (await goCall(page, 'Library', 'Renditions', (await byName(terrace)).id, '')).find(
        (r) => r.presetId === 'x',
      );
      assert.equal(after.manual, true);
      assert.notDeepEqual(after.crop, before.crop, 'the crop changed');
      assert.ok(after.crop.w < before.crop.w, 'zoomed in: a smaller rectangle');
      assert.ok(Math.abs(after.crop.w / after.crop.h - 1200 / 675) < 0.01, 'the X ratio is kept');
      assert.equal(after.width, 1200);
      assert.equal(after.height, 675);

      // Back to the focal point, then by hand again with the keyboard only.
      const xRendition = async () =>
        (await goCall(page, 'Library', 'Renditions', (await byName(terrace)).id, '')).find((r) => r.presetId === 'x');
      await dialog().getByRole('button', { name: L.adjustX }).click();
      await dialog().getByRole('button', { name: L.resetCrop }).click();
      await eventually(async () => (await xRendition()).manual === false, 'the X crop follows the focal point again', 20000);
      assert.deepEqual((await xRendition()).crop, before.crop);
      await expectHidden(dialog().getByText(L.manual), 'the hand-set badge after the reset');
      await dialog().getByRole('button', { name: L.adjustX }).click();
      await expectVisible(area.locator('img'), 'the picture in the cropper');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'region', 'the cropper has the focus');
      await page.keyboard.press('+');
      await page.keyboard.press('ArrowUp');
      await dialog().getByRole('button', { name: L.saveCrop }).click();
      await eventually(async () => (await xRendition()).manual === true, 'the X crop set by hand again', 20000);
      await page.keyboard.press('Escape');
      await expectHidden(dialog(), 'the details');
    });

    step('exporting renditions to a folder writes real JPEG files', async () => {
      const a = await byName(terrace);
      const res = await goCall(page, 'Library', 'Export', [a.id], ['x', 'instagram-square', 'bluesky'], outDir, '');
      assert.equal(res.folder, outDir);
      assert.equal(res.files, 3);
      const written = fs.readdirSync(outDir, { recursive: true }).filter((f) => /\.jpe?g$/i.test(String(f)));
      assert.equal(written.length, 3, `files in ${outDir}: ${fs.readdirSync(outDir, { recursive: true })}`);
      for (const f of written) {
        const buf = fs.readFileSync(path.join(outDir, String(f)));
        assert.equal(buf[0], 0xff);
        assert.equal(buf[1], 0xd8, `${f} is a JPEG`);
      }
    });

    step('exporting a selection through the export dialog, on the brand colour', async () => {
      await closeNotices();
      await main().getByRole('radio', { name: L.thisClient }).check({ force: true });
      await expectText(count(), L.count(3));
      await grid().focus();
      await page.keyboard.press('Control+KeyA');
      await expectText(main().getByRole('toolbar'), L.selected(3));
      await main().getByRole('button', { name: L.exportMenu }).click();
      await expectText(dialog().getByRole('heading', { level: 2 }), L.exportTitle);
      await dialog().getByRole('button', { name: L.presetsNone, exact: true }).click();
      await dialog().getByRole('checkbox', { name: /^X 16:9/ }).check();
      // Transparent areas on the client's brand colour, as its previews can be.
      await dialog().getByRole('combobox', { name: L.background }).selectOption({ label: L.brand });
      await shoot(page, lang, 'library-08a-export-selection');
      await dialog().getByRole('button', { name: L.chooseFolder }).click();
      await expectVisible(page.getByRole('status').filter({ hasText: L.exported }), 'the exported notice');
      await expectHidden(dialog(), 'the export dialog');
      const written = fs.readdirSync(folderDir).filter((f) => /\.jpg$/.test(f)).sort();
      const base = (n) => n.replace(/\.[^.]+$/, '');
      assert.deepEqual(written, ['logo.png', 'portrait.jpg', terrace].map((n) => `${base(n)}-x.jpg`).sort(), `files in ${folderDir}`);
      for (const f of written) {
        const buf = fs.readFileSync(path.join(folderDir, f));
        assert.ok(buf[0] === 0xff && buf[1] === 0xd8, `${f} is a JPEG`);
      }
      await grid().focus();
      await page.keyboard.press('Escape');
      await expectHidden(main().getByRole('toolbar'), 'the selection bar');
    });

    step('deleting a visual a scheduled post uses names the post and lets the user keep it', async () => {
      const portrait = await byName('portrait.jpg');
      await goCall(page, 'Vault', 'SetUpPassphrase', L.passphrase);
      const [account] = await goCall(page, 'Accounts', 'ConnectMastodon', ws.id, fakeMastodon.url);
      assert.ok(account?.id, 'the Mastodon account is connected');
      const due = new Date(Date.now() + 30 * 86400000).toISOString();
      const post = await goCall(page, 'Posts', 'Create', ws.id, { text: L.postText, due, status: 'scheduled', accountIds: [account.id], assetIds: [portrait.id] });
      assert.equal(post.status, 'scheduled');
      await eventually(async () => (await byName('portrait.jpg')).usedBy.includes(post.id), 'the visual marked as used');
      await closeNotices();
      await option('portrait.jpg').click();
      await main().getByRole('button', { name: L.deleteMenu }).click();
      await expectText(alertDialog().getByRole('heading'), L.deleteTitle);
      await alertDialog().getByRole('button', { name: L.deleteConfirm, exact: true }).click();
      // Go refuses without confirmation; the second question names the post.
      await expectText(alertDialog().getByRole('heading'), L.inUseTitle);
      await expectText(alertDialog(), L.postText);
      await expectText(alertDialog(), L.scheduledFor);
      await shoot(page, lang, 'library-08b-delete-in-use');
      await alertDialog().getByRole('button', { name: L.cancel, exact: true }).click();
      await expectHidden(alertDialog(), 'the in-use dialog');
      assert.ok(await byName('portrait.jpg'), 'the visual is kept');
      await expectText(count(), L.count(3));
      await page.keyboard.press('Escape');
    });

    step('deleting a visual asks first', async () => {
      await main().getByRole('radio', { name: L.allClients }).check({ force: true });
      await closeNotices();
      await option('logo.png').click();
      await main().getByRole('button', { name: L.deleteMenu }).click();
      await expectText(alertDialog().getByRole('heading'), L.deleteTitle);
      await shoot(page, lang, 'library-08-delete');
      await alertDialog().getByRole('button', { name: L.deleteConfirm, exact: true }).click();
      await expectVisible(page.getByRole('status').filter({ hasText: L.deleted }), 'the deleted notice');
      await expectText(count(), L.count(2));
      assert.equal((await assets()).length, 2);
    });

    step('pasting an image imports it', async () => {
      const png = makePNG(300, [20, 120, 90]).toString('base64');
      await page.evaluate((b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
        window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
      }, png);
      await expectText(main().getByRole('region', { name: L.doneTitle }), L.importedOne);
      await expectText(count(), L.count(3));
      assert.ok((await assets()).some((a) => /\.png$/.test(a.name) && a.name !== 'logo.png'), 'the pasted picture is there');
    });

    step('cancelling an import stops it: what was stored stays, the rest is not imported', async () => {
      await main().getByRole('radio', { name: L.thisClient }).check({ force: true });
      await expectText(count(), L.count(3));
      // Many large (but small on disk) pictures: each takes Go a moment to
      // decode, so the import is still running when Cancel is pressed.
      // A text chunk makes each file distinct.
      const N = 300;
      const png = makePNG(1500, [37, 99, 235]);
      const iend = png.subarray(png.length - 12);
      const many = fs.mkdtempSync(path.join(picDir, 'many-'));
      const files = [];
      for (let i = 0; i < N; i++) {
        const f = path.join(many, `lot-${String(i).padStart(3, '0')}.png`);
        fs.writeFileSync(f, Buffer.concat([png.subarray(0, png.length - 12), pngChunk('tEXt', Buffer.from(`Comment\0lot ${i}`)), iend]));
        files.push(f);
      }
      await closeNotices();
      await main().getByLabel(L.files).setInputFiles(files);
      const cancel = main().getByRole('button', { name: L.cancelImport });
      await expectVisible(main().getByRole('progressbar'), 'the progress bar');
      await eventually(() => cancel.isEnabled(), 'the Cancel button enabled', 20000);
      await shoot(page, lang, 'library-08d-importing');
      await cancel.click();
      const summary = main().getByRole('region', { name: L.cancelledTitle });
      await expectVisible(summary, 'the cancelled import summary');
      await shoot(page, lang, 'library-08e-import-cancelled');
      // Nothing goes on after the summary: the count Go reports stays put
      // and is short of the whole batch.
      const total = (await goCall(page, 'Library', 'Search', { workspaceId: ws.id, limit: 1 })).total;
      assert.ok(total >= 3 && total < 3 + N, `${total - 3} of ${N} imported before the cancel`);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await goCall(page, 'Library', 'Search', { workspaceId: ws.id, limit: 1 })).total, total, 'no import after the cancel');
      await expectText(count(), L.count(total));
      await summary.getByRole('button').click();
    });

    step('a thousand visuals: only the rows on screen are in the page, and the keyboard reaches the last', async () => {
      const N = 1000;
      const other = (await goCall(page, 'Workspaces', 'List')).find((w) => w.name === 'Atelier Nord');
      const files = [];
      for (let i = 0; i < N; i++) {
        const rgb = [i % 256, Math.floor(i / 256) * 40, (i * 7) % 256];
        files.push({ name: `pic-${String(i).padStart(4, '0')}.png`, data: makePNG(24, rgb).toString('base64') });
      }
      for (let i = 0; i < N; i += 250) await goCall(page, 'Library', 'ImportFiles', other.id, files.slice(i, i + 250));
      await eventually(
        async () => (await goCall(page, 'Library', 'Search', { workspaceId: other.id, limit: 1 })).total === N,
        'a thousand visuals imported',
        60000,
      );
      await page.getByRole('navigation', { name: L.nav }).getByRole('button', { name: 'Atelier Nord' }).click();
      await page.getByRole('button', { name: L.tab, exact: true }).click();
      await expectText(count(), L.count(N));
      const inPage = () => grid().getByRole('option').count();
      await eventually(async () => (await inPage()) > 0, 'the first rows');
      const rendered = await inPage();
      assert.ok(rendered < 100, `${rendered} options in the page for ${N} visuals`);
      await grid().focus();
      await page.keyboard.press('Control+End');
      await expectVisible(grid().locator(`[role=option][aria-posinset="${N}"]`), 'the last visual after Ctrl+End');
      await expectText(grid().locator(`[role=option][aria-posinset="${N}"]`), /^pic-\d{4}\.png$/);
      assert.ok((await inPage()) < 100, 'still only the visible rows after scrolling to the end');
      assert.equal(
        await grid().getAttribute('aria-activedescendant'),
        `lib-opt-${N - 1}`,
        'the cursor is on the last visual',
      );
      await page.keyboard.press('PageUp');
      await page.keyboard.press('Space');
      await expectText(main().getByRole('toolbar'), L.selected(1));
      await shoot(page, lang, 'library-09-thousand');
      assert.deepEqual(S.pageErrors, [], 'no uncaught errors in the page');
    });

    step('the same picture for another client: a new visual, one stored file, and the summary says whose library had it', async () => {
      // Atelier Nord is open; portrait.jpg is Café Lumière's.
      await closeNotices();
      await main().getByLabel(L.files).setInputFiles(path.join(picDir, 'portrait.jpg'));
      const summary = main().getByRole('region', { name: L.doneTitle });
      await expectText(summary, L.importedOne);
      await expectText(summary, L.shared);
      await summary.scrollIntoViewIfNeeded();
      await shoot(page, lang, 'library-10-shared');
      assert.deepEqual(S.pageErrors, [], 'no uncaught errors in the page');
    });
  });
}

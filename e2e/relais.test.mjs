// End-to-end tests: headless Chromium (Debian's) drives Relais's real UI
// against the real Go backend (the dev build serves the page and binds the
// Go methods over a websocket). Each language runs on a fresh data folder,
// as a person would: by roles and visible names, in that language.
//
// Needs: DISPLAY (scripts/e2e runs this under xvfb-run), ./devapp built at
// the repository root, frontend/dist built. RELAIS_SCREENSHOTS overrides
// where screenshots go.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  eventually,
  expectHidden,
  expectText,
  expectVisible,
  freePort,
  goCall,
  makePNG,
  shoot,
  startBackend,
  stopBackend,
  useBrowser,
  useScenario,
  stepper,
} from './harness.mjs';

useBrowser();

// What a person reads on screen, in each language.
const UI = {
  fr: {
    locale: 'fr-FR',
    htmlLang: 'fr',
    welcome: 'Bienvenue dans Relais',
    clientSettings: 'Réglages du client',
    createFirst: 'Créer votre premier client',
    newClient: 'Nouveau client',
    clientName: 'Nom du client',
    timezone: 'Fuseau horaire',
    postLanguage: 'Langue des publications',
    create: 'Créer le client',
    nameEmpty: 'Donnez un nom au client.',
    nameTaken: (n) => `Le nom «\u00a0${n}\u00a0» est déjà pris par un autre client`,
    allClients: 'Tous les clients',
    nav: 'Navigation principale',
    settings: 'Réglages',
    name: 'Nom',
    colour: 'Couleur',
    addColour: 'Ajouter une couleur',
    brandColour1: 'Couleur de marque 1',
    tone: 'Ton et style',
    hashtags: 'Hashtags par défaut',
    signature: 'Signature',
    charter: 'Charte',
    banned: 'Mots et expressions interdits',
    addPillar: 'Ajouter un pilier',
    pillarName: (n) => `Nom du pilier ${n}`,
    pillarTarget: (n) => `Part des publications du pilier ${n} (%)`,
    save: 'Enregistrer',
    saved: 'Enregistré',
    discard: 'Annuler les modifications',
    invalidColour: /«\u00a0#12345z\u00a0» n’est pas une couleur/,
    over100Live: 'Les parts dépassent 100\u00a0%',
    over100: /Les parts des piliers font 135\u00a0% au total/,
    logoFile: 'Fichier du logo',
    notImage: /«\u00a0notes\.png\u00a0» n’est pas une image lisible par Relais/,
    logoUpdated: 'Logo mis à jour.',
    logoAlt: 'Logo de Café Lumière',
    archive: 'Archiver le client',
    archivedBanner: 'Ce client est archivé',
    archivedToggle: /Archivé \(1\)/,
    restoreNamed: (n) => `Restaurer ${n}`,
    backupNow: 'Sauvegarder maintenant',
    manualKind: 'La vôtre (conservée)',
    backups: 'Sauvegardes',
    restoreBackupTitle: 'Restaurer cette sauvegarde\u00a0?',
    replaceData: 'Remplacer mes données',
    restored: 'Sauvegarde restaurée.',
    english: 'English',
    french: 'Français',
    system: /^Système/,
    dark: 'Sombre',
    themeSystem: 'Système',
    deleteClient: 'Supprimer le client…',
    deleteTitle: /Supprimer Atelier Nord/,
    typeToConfirm: 'Tapez Atelier Nord pour confirmer',
    deleteForGood: 'Supprimer définitivement',
    deleted: /Atelier Nord a été supprimé\. Une sauvegarde a été faite avant\u00a0: .*before-delete/,
    clientsCount: (n) => `${n}\u00a0client${n > 1 ? 's' : ''}`,
    localTime: / à Europe\/Paris$/,
    cityParis: 'Paris',
    cityTokyo: 'Tokyo',
    settingsTitle: 'Réglages',
    settingsTitleOther: 'Settings',
    leaveTitle: 'Abandonner les modifications\u00a0?',
    keepEditing: 'Continuer à modifier',
    quit: 'Quitter Relais',
    lockedWhy: /Relais est déjà ouvert, ou un autre programme utilise son dossier de données/,
    lockedTitle: 'Relais n’a pas pu ouvrir vos données',
  },
  en: {
    locale: 'en-US',
    htmlLang: 'en',
    welcome: 'Welcome to Relais',
    clientSettings: 'Client settings',
    createFirst: 'Create your first client',
    newClient: 'New client',
    clientName: 'Client name',
    timezone: 'Timezone',
    postLanguage: 'Language of posts',
    create: 'Create client',
    nameEmpty: 'Give the client a name.',
    nameTaken: (n) => `The name “${n}” is already taken by another client`,
    allClients: 'All clients',
    nav: 'Main',
    settings: 'Settings',
    name: 'Name',
    colour: 'Colour',
    addColour: 'Add a colour',
    brandColour1: 'Brand colour 1',
    tone: 'Tone of voice',
    hashtags: 'Default hashtags',
    signature: 'Signature',
    charter: 'Charter',
    banned: 'Banned words and phrases',
    addPillar: 'Add a pillar',
    pillarName: (n) => `Name of pillar ${n}`,
    pillarTarget: (n) => `Share of posts for pillar ${n} (%)`,
    save: 'Save changes',
    saved: 'Saved',
    discard: 'Discard changes',
    invalidColour: /“#12345z” is not a colour/,
    over100Live: 'The shares add up to more than 100%',
    over100: /The pillar shares add up to 135%/,
    logoFile: 'Logo file',
    notImage: /“notes\.png” is not an image Relais can read/,
    logoUpdated: 'Logo updated.',
    logoAlt: 'Logo of Café Lumière',
    archive: 'Archive client',
    archivedBanner: 'This client is archived',
    archivedToggle: /Archived \(1\)/,
    restoreNamed: (n) => `Restore ${n}`,
    backupNow: 'Back up now',
    manualKind: 'Yours (kept)',
    backups: 'Backups',
    restoreBackupTitle: 'Restore this backup?',
    replaceData: 'Replace my data',
    restored: 'Backup restored.',
    english: 'English',
    french: 'Français',
    system: /^System/,
    dark: 'Dark',
    themeSystem: 'System',
    deleteClient: 'Delete client…',
    deleteTitle: /Delete Atelier Nord/,
    typeToConfirm: 'Type Atelier Nord to confirm',
    deleteForGood: 'Delete for good',
    deleted: /Atelier Nord was deleted\. A backup was saved first: .*before-delete/,
    clientsCount: (n) => `${n} client${n > 1 ? 's' : ''}`,
    localTime: / in Europe\/Paris$/,
    cityParis: 'Paris',
    cityTokyo: 'Tokyo',
    settingsTitle: 'Settings',
    settingsTitleOther: 'Réglages',
    leaveTitle: 'Discard unsaved changes?',
    keepEditing: 'Keep editing',
    quit: 'Quit Relais',
    lockedWhy: /Relais is already open, or another program is using its data folder/,
    lockedTitle: 'Relais could not open your data',
  },
};

// ---------- helpers


for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`Relais in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const S = useScenario({ tag: `relais-${lang}`, locale: L.locale, colorScheme: 'light', viewport: { width: 1200, height: 780 } });
    let page;
    const nav = () => page.getByRole('navigation', { name: L.nav });
    const h1 = () => page.getByRole('heading', { level: 1 });
    const dialog = () => page.getByRole('dialog');
    const alertDialog = () => page.getByRole('alertdialog');
    const main = () => page.locator('main');
    // Each step builds on the one before: after a failure, the rest skip.
    const step = stepper(`${lang}`, () => page);

    async function openClient(name) {
      await nav().getByRole('button', { name, exact: true }).click();
      await expectText(h1(), name, `the page of ${name}`);
      await openSettingsTab();
    }

    /** openSettingsTab shows the client's settings (its page opens on the calendar). */
    async function openSettingsTab() {
      const tab = main().getByRole('navigation').getByRole('button', { name: L.clientSettings, exact: true });
      await tab.click();
      await eventually(async () => (await tab.getAttribute('aria-current')) === 'page', 'the settings tab');
    }

    async function pickZone(scope, label, query, zone) {
      const box = scope.getByRole('combobox', { name: label });
      await box.click();
      await box.fill(query);
      await scope.getByRole('option', { name: new RegExp(zone.replace('/', '\\/')) }).first().click();
      await eventually(async () => (await box.inputValue()) === zone.replace(/_/g, ' '), `timezone ${zone}`);
    }

    async function createClient(name, zone, query) {
      await expectVisible(dialog(), 'the new client dialog');
      await dialog().getByLabel(L.clientName).fill(name);
      await pickZone(dialog(), L.timezone, query, zone);
      await dialog().getByRole('combobox', { name: L.postLanguage }).selectOption(lang);
      await dialog().getByRole('button', { name: L.create }).click();
      await expectHidden(dialog(), 'the new client dialog');
      await expectText(h1(), name, `the page of ${name}`);
    }

    async function saveButton() {
      return main().getByRole('button', { name: L.save, exact: true });
    }

    before(() => {
      page = S.page;
    });

    step('a first-time user sees the empty state, in the OS language', async () => {
      await expectText(h1(), L.welcome);
      assert.equal(await page.evaluate(() => document.documentElement.lang), L.htmlLang);
      await expectVisible(page.getByRole('button', { name: L.createFirst }));
      await shoot(page, lang, '01-overview-empty');
    });

    step('creating a client: an empty name is refused with a sentence, then two clients are made', async () => {
      await page.getByRole('button', { name: L.createFirst }).click();
      await expectVisible(dialog());
      // Focus starts on the name and stays inside the dialog both ways.
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'nc-name');
      const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('dialog'));
      await page.keyboard.press('Shift+Tab');
      assert.ok(await inDialog(), 'Shift+Tab from the first field stays in the dialog');
      for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
      assert.ok(await inDialog(), 'Tab stays in the dialog');
      await dialog().getByLabel(L.clientName).focus();
      await dialog().getByRole('button', { name: L.create }).click();
      await expectText(dialog().getByRole('alert'), L.nameEmpty);
      assert.equal(await dialog().getByLabel(L.clientName).getAttribute('aria-invalid'), 'true');
      await shoot(page, lang, '02-new-client-error');
      assert.equal((await goCall(page, 'Workspaces', 'List')).length, 0, 'nothing was created');

      await createClient('Café Lumière', 'Europe/Paris', 'paris');
      // Ctrl+N opens the dialog again.
      await page.keyboard.press('Control+KeyN');
      await createClient('Atelier Nord', 'Asia/Tokyo', 'tokyo');

      // A duplicate name (case and accents ignored) is refused.
      await page.keyboard.press('Control+KeyN');
      await expectVisible(dialog());
      await dialog().getByLabel(L.clientName).fill('cafe lumiere');
      await dialog().getByRole('button', { name: L.create }).click();
      await expectText(dialog().getByRole('alert'), L.nameTaken('cafe lumiere'));
      await page.keyboard.press('Escape');
      await expectHidden(dialog(), 'the dialog after Escape');
      assert.equal((await goCall(page, 'Workspaces', 'List')).length, 2);
    });

    step('switching clients by click and by Ctrl+1 / Ctrl+2', async () => {
      const buttons = nav().getByRole('list').getByRole('button');
      assert.deepEqual(await buttons.allInnerTexts().then((t) => t.map((s) => s.split('\n')[0].trim())), [
        'Atelier Nord',
        'Café Lumière',
      ]);
      assert.equal(await buttons.first().getAttribute('aria-keyshortcuts'), 'Control+1');
      await openClient('Café Lumière');
      await openClient('Atelier Nord');
      await page.keyboard.press('Control+Digit2');
      await expectText(h1(), 'Café Lumière', 'Ctrl+2');
      await page.keyboard.press('Control+Digit1');
      await expectText(h1(), 'Atelier Nord', 'Ctrl+1');
      await page.keyboard.press('Control+Digit2');
      await expectText(h1(), 'Café Lumière', 'Ctrl+2 again');
      assert.equal(
        await nav().getByRole('button', { name: 'Café Lumière' }).getAttribute('aria-current'),
        'page',
      );
    });

    step('editing the brand kit, pillars and charter, saved with Ctrl+S', async () => {
      await openSettingsTab();
      const save = await saveButton();
      assert.equal(await save.isDisabled(), true, 'Save is disabled while nothing changed');

      await main().getByRole('button', { name: L.addColour }).click();
      await main().getByRole('textbox', { name: L.brandColour1, exact: true }).fill('#C2410C');
      await main().getByLabel(L.tone).fill(lang === 'fr' ? 'Chaleureux, on tutoie.' : 'Warm, first names.');
      const tags = main().getByRole('textbox', { name: L.hashtags });
      await tags.fill('#cafe');
      await tags.press('Enter');
      await tags.fill('lumiere, brunch');
      await tags.press('Enter');
      await main().getByLabel(L.signature).fill('— L’équipe Lumière');

      for (const [i, [name, share]] of [
        ['Coulisses', '40'],
        ['Produits', '35'],
        ['Communauté', '25'],
      ].entries()) {
        await main().getByRole('button', { name: L.addPillar }).click();
        await main().getByLabel(L.pillarName(i + 1), { exact: true }).fill(name);
        await main().getByLabel(L.pillarTarget(i + 1), { exact: true }).fill(share);
      }
      await main().getByLabel(L.charter, { exact: true }).fill(lang === 'fr' ? 'On répond sous 24 h.' : 'We answer within a day.');
      const banned = main().getByRole('textbox', { name: L.banned });
      await banned.fill('arnaque');
      await banned.press('Enter');
      await banned.fill('remboursez-moi');
      // Still typing: Ctrl+S must keep what is in the field.
      assert.equal(await save.isDisabled(), false);
      await page.keyboard.press('Control+KeyS');
      await expectText(main().getByRole('status').first(), L.saved, 'the Saved status');
      assert.equal(await save.isDisabled(), true, 'Save is disabled again once saved');

      const list = await goCall(page, 'Workspaces', 'List');
      const w = list.find((x) => x.name === 'Café Lumière');
      assert.deepEqual(w.brandKit.colors, ['#c2410c']);
      assert.deepEqual(w.brandKit.hashtags, ['#cafe', '#lumiere', '#brunch']);
      assert.deepEqual(w.charter.bannedWords, ['arnaque', 'remboursez-moi']);
      assert.deepEqual(
        w.pillars.map((p) => [p.name, p.target]),
        [
          ['Coulisses', 40],
          ['Produits', 35],
          ['Communauté', 25],
        ],
      );
      assert.equal(w.timezone, 'Europe/Paris');
      assert.equal(w.language, lang);
      await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
      await shoot(page, lang, '03-workspace-settings');
    });

    step('bad input gets a translated sentence next to the field and changes nothing', async () => {
      const before = (await goCall(page, 'Workspaces', 'List')).find((x) => x.name === 'Café Lumière');
      const name = main().getByRole('textbox', { name: L.name, exact: true });
      const save = await saveButton();
      const unchanged = async (what) => {
        const now = await goCall(page, 'Workspaces', 'Get', before.id);
        assert.equal(now.updatedAt, before.updatedAt, `${what} changed the workspace`);
        assert.deepEqual(now, before, `${what} changed the workspace`);
      };

      await name.fill('   ');
      await save.click();
      await expectText(main().locator('#ws-name-err'), L.nameEmpty);
      assert.equal(await name.getAttribute('aria-invalid'), 'true');
      assert.equal(await name.inputValue(), '   ', 'the input is kept');
      await unchanged('an empty name');

      await name.fill('atelier NORD');
      await save.click();
      await expectText(main().locator('#ws-name-err'), L.nameTaken('atelier NORD'));
      await unchanged('a duplicate name');

      await name.fill('Café Lumière');
      const colour = main().getByRole('textbox', { name: L.colour, exact: true });
      await colour.fill('#12345z');
      await save.click();
      await expectText(main().locator('#ws-color-err'), L.invalidColour);
      await unchanged('an invalid colour');
      await main().getByRole('button', { name: L.discard }).click();
      assert.equal(await colour.inputValue(), before.color);

      await main().getByLabel(L.pillarTarget(3), { exact: true }).fill('60');
      await expectText(main().locator('#ws-pillars-total'), L.over100Live, 'the live warning over 100 %');
      await save.click();
      await expectText(main().locator('#ws-pillars-err'), L.over100);
      await unchanged('pillars over 100 %');
      await main().locator('#ws-pillars-err').scrollIntoViewIfNeeded();
      await shoot(page, lang, '04-workspace-error');
      await main().getByRole('button', { name: L.discard }).click();
      assert.equal(await main().getByLabel(L.pillarTarget(3), { exact: true }).inputValue(), '25');

      // Leaving with unsaved changes asks first; "keep editing" keeps them.
      await name.fill('Café Lumière (draft)');
      await nav().getByRole('button', { name: 'Atelier Nord' }).click();
      await expectText(alertDialog().getByRole('heading'), L.leaveTitle);
      await alertDialog().getByRole('button', { name: L.keepEditing }).click();
      await expectHidden(alertDialog(), 'the leave dialog');
      await expectText(h1(), 'Café Lumière');
      assert.equal(await name.inputValue(), 'Café Lumière (draft)');
      await main().getByRole('button', { name: L.discard }).click();
      assert.equal(await name.inputValue(), 'Café Lumière');

      // A logo that is not an image.
      await main().getByLabel(L.logoFile).setInputFiles({
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('these are meeting notes, not a picture'),
      });
      await expectText(main().locator('#ws-logo-err'), L.notImage);
      await unchanged('a logo that is not an image');
    });

    step('uploading a real PNG logo', async () => {
      await main().getByLabel(L.logoFile).setInputFiles({
        name: 'lumiere.png',
        mimeType: 'image/png',
        buffer: makePNG(48, [194, 65, 12]),
      });
      await expectVisible(page.getByRole('status').filter({ hasText: L.logoUpdated }), 'the logo notice');
      await expectVisible(main().getByRole('img', { name: L.logoAlt }), 'the logo');
      const w = await goCall(page, 'Workspaces', 'List').then((l) => l.find((x) => x.name === 'Café Lumière'));
      assert.equal(w.logo.width, 48);
      assert.match(w.logo.dataUrl, /^data:image\/png;base64,/);
    });

    step('archiving a client and restoring it from the overview', async () => {
      await openClient('Atelier Nord');
      await main().getByRole('button', { name: L.archive }).click();
      await expectText(main().getByRole('note'), L.archivedBanner);
      await expectHidden(nav().getByRole('button', { name: 'Atelier Nord' }), 'Atelier Nord in the sidebar');
      await nav().getByRole('button', { name: L.allClients }).click();
      await expectText(h1(), L.allClients);
      const toggle = main().getByRole('button', { name: L.archivedToggle });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      await main().getByRole('button', { name: L.restoreNamed('Atelier Nord') }).click();
      await expectVisible(nav().getByRole('button', { name: 'Atelier Nord' }), 'Atelier Nord back in the sidebar');
      await expectHidden(toggle, 'the archived section');
      const cards = main().getByRole('list', { name: L.allClients }).getByRole('listitem');
      assert.equal(await cards.count(), 2);
      await expectText(cards.nth(1), L.localTime.source.includes('Paris') ? /Europe\/Paris/ : L.localTime);
      await shoot(page, lang, '05-overview-clients');
    });

    step('app settings: backup now, language and theme, restore a backup', async () => {
      await nav().getByRole('button', { name: L.settings }).click();
      await expectText(h1(), L.settingsTitle);
      await expectText(main().locator('#data-dir'), S.dataDir);
      await main().getByRole('button', { name: L.backupNow }).click();
      const rows = main().getByRole('table', { name: L.backups }).getByRole('row');
      await eventually(async () => (await rows.count()) >= 2, 'a backup row');
      const first = (await rows.nth(1).innerText()).split('\t')[0].trim();
      assert.match(first, /\.relaisbak$|\.bak$|manual/, `backup file name ${first}`);
      assert.ok((await rows.nth(1).innerText()).includes(L.manualKind), 'the backup says it is the user’s own, kept');
      await shoot(page, lang, '06-app-settings');

      // Switch the interface language, then back to the system's.
      const other = lang === 'fr' ? L.english : L.french;
      const langGroup = main().getByRole('group', { name: /^(Langue|Language)$/ });
      const themeGroup = main().getByRole('group', { name: /^(Thème|Theme)$/ });
      await langGroup.getByRole('radio', { name: other }).check();
      await expectText(h1(), L.settingsTitleOther, 'the other language');
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang === 'fr' ? 'en' : 'fr');
      await langGroup.getByRole('radio', { name: lang === 'fr' ? /^System/ : /^Système/ }).check();
      await expectText(h1(), L.settingsTitle, 'back to the system language');
      assert.equal((await goCall(page, 'Settings', 'Prefs')).language, 'system');

      await themeGroup.getByRole('radio', { name: L.dark }).check();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await themeGroup.getByRole('radio', { name: L.themeSystem, exact: true }).check();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);

      // Make a change after the backup, then restore it: the change is gone.
      await goCall(page, 'Workspaces', 'Create', { name: 'Temporaire' });
      await expectVisible(nav().getByRole('button', { name: 'Temporaire' }), 'the extra client');
      const backupName = await rows.nth(1).locator('td').first().innerText();
      await main().getByRole('button', { name: L.restoreNamed(backupName.trim()) }).click();
      await expectText(alertDialog().getByRole('heading'), L.restoreBackupTitle);
      await alertDialog().getByRole('button', { name: L.replaceData }).click();
      await expectVisible(page.getByRole('status').filter({ hasText: L.restored }), 'the restored notice');
      await expectHidden(nav().getByRole('button', { name: 'Temporaire' }), 'the client made after the backup');
      assert.equal((await goCall(page, 'Workspaces', 'List')).length, 2);
    });

    step('everything is still there after the backend restarts', async () => {
      const { code } = await stopBackend(S.backend);
      assert.equal(code, 0, 'the backend exits cleanly on SIGTERM');
      S.backend = await startBackend(S.dataDir, S.port, `relais-${lang}-2`);
      await page.reload();
      await expectVisible(nav(), 'the sidebar after restart');
      await openClient('Café Lumière');
      await expectText(main().getByRole('list', { name: L.hashtags }), /#cafe[\s\S]*#lumiere[\s\S]*#brunch/);
      await expectText(main().getByRole('list', { name: L.banned }), /arnaque[\s\S]*remboursez-moi/);
      assert.equal(await main().getByLabel(L.tone).inputValue(), lang === 'fr' ? 'Chaleureux, on tutoie.' : 'Warm, first names.');
      assert.equal(await main().getByLabel(L.signature).inputValue(), '— L’équipe Lumière');
      assert.equal(await main().getByLabel(L.pillarName(2), { exact: true }).inputValue(), 'Produits');
      assert.equal(await main().getByLabel(L.pillarTarget(2), { exact: true }).inputValue(), '35');
      assert.equal(await main().getByRole('textbox', { name: L.brandColour1, exact: true }).inputValue(), '#c2410c');
      await expectVisible(main().getByRole('img', { name: L.logoAlt }), 'the logo after restart');
      await expectVisible(nav().getByRole('button', { name: 'Atelier Nord' }));
    });

    step('a second Relais on the same data folder explains, in the user’s language, why it cannot open', async () => {
      // Without a session bus the single-instance hand-over cannot happen,
      // so the second process meets Badger's directory lock, as another
      // program holding the folder would make it.
      const port2 = await freePort();
      const second = await startBackend(S.dataDir, port2, `relais-${lang}-locked`, {
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/relais-e2e',
      });
      const p2 = await S.context.newPage();
      try {
        await p2.goto(`http://127.0.0.1:${port2}/`);
        await expectText(p2.getByRole('heading', { level: 1 }), L.lockedTitle);
        await expectText(p2.getByRole('alert'), L.lockedWhy);
        await expectText(p2.getByRole('alert'), S.dataDir);
        await expectVisible(p2.getByRole('button', { name: L.quit }));
        await expectHidden(p2.getByRole('navigation'), 'the app behind the explanation');
        await shoot(p2, lang, '07-start-error');
      } finally {
        await p2.close();
        await stopBackend(second);
      }
      // The first one is unaffected.
      assert.equal((await goCall(page, 'Workspaces', 'List')).length, 2);
    });

    step('deleting a client needs its name typed, and keeps a backup', async () => {
      await openClient('Atelier Nord');
      await main().getByRole('button', { name: L.deleteClient }).click();
      await expectText(alertDialog().getByRole('heading'), L.deleteTitle);
      const confirm = alertDialog().getByRole('button', { name: L.deleteForGood });
      assert.equal(await confirm.isDisabled(), true);
      await alertDialog().getByLabel(L.typeToConfirm).fill('Atelier');
      assert.equal(await confirm.isDisabled(), true);
      await alertDialog().getByLabel(L.typeToConfirm).fill('atelier nord');
      await confirm.click();
      await expectVisible(page.getByRole('status').filter({ hasText: L.deleted }), 'the deletion notice');
      await expectText(h1(), L.allClients);
      await expectHidden(nav().getByRole('button', { name: 'Atelier Nord' }));
      const list = await goCall(page, 'Workspaces', 'List');
      assert.deepEqual(
        list.map((w) => w.name),
        ['Café Lumière'],
      );
      const backups = fs.readdirSync(path.join(S.dataDir, 'backups'));
      assert.ok(backups.some((f) => f.includes('before-delete')), `a before-delete backup in ${backups}`);
      assert.deepEqual(S.pageErrors.map((e) => e.message), [], 'no script errors on the page');
    });

    step('forty clients: the overview and the sidebar show a screenful, and more as the user scrolls', async () => {
      for (let i = 1; i <= 40; i++) await goCall(page, 'Workspaces', 'Create', { name: `Client ${String(i).padStart(2, '0')}` });
      await nav().getByRole('button', { name: L.allClients }).click();
      await expectText(h1(), L.allClients);
      const cards = main().getByRole('list', { name: L.allClients }).getByRole('listitem');
      await expectVisible(cards.first(), 'the first card');
      const first = await cards.count();
      assert.ok(first >= 12 && first < 41, `${first} cards rendered at first; want a screenful, not all 41`);
      assert.equal(await cards.first().getAttribute('aria-setsize'), '41', 'each card tells its place among all 41');
      await expectHidden(main().getByRole('button', { name: 'Client 40' }), 'the last card before scrolling');
      // Scrolling with the wheel, as a person does, brings the rest.
      await main().hover();
      for (let i = 0; i < 30 && !(await main().getByRole('button', { name: 'Client 40' }).isVisible()); i++) {
        await page.mouse.wheel(0, 800);
        await page.waitForTimeout(100);
      }
      await expectVisible(main().getByRole('button', { name: 'Client 40' }), 'the last card after scrolling');
      assert.equal(await cards.count(), 41);
      // A client far down the list, opened from the overview, is shown as
      // the current one in the sidebar even before the sidebar is scrolled.
      await main().getByRole('button', { name: 'Client 40' }).click();
      await expectText(h1(), 'Client 40');
      assert.equal(await nav().getByRole('button', { name: 'Client 40' }).getAttribute('aria-current'), 'page');
      await shoot(page, lang, '08-forty-clients');
      assert.deepEqual(S.pageErrors.map((e) => e.message), [], 'no script errors on the page');
    });
  });
}

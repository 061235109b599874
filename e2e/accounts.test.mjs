// End-to-end: a client's connected accounts and the vault that protects
// them, through Relais's real UI against the real backend (dev build), in
// French then English. Bluesky is the REAL server (@atproto/pds started by
// scripts/pds; RELAIS_PDS_URL); Mastodon is mastodontest's fake instance,
// whose authorization page the dev build fetches itself
// (RELAIS_DEV_BROWSER=get, dev builds only) as a user approving at once.
// Pinterest is fakepinterest (RELAIS_DEV_PINTEREST sends the dev build's
// Pinterest calls there), connected from its button in the UI: the same
// dev-only page fetch follows its authorization URL and approves.
// The e2e machine has no Secret Service, so the vault runs in passphrase
// mode: set-up, wrong passphrase with its growing wait, unlock, change of
// passphrase. A keyboard-only scenario connects Bluesky with Tab, Enter,
// Space, Escape and typing, checking where the focus lands each time.
//
// Prints the connect-to-first-verified-call time against the real Bluesky
// server (issue 4, "Measured").
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEVAPP,
  LOGS,
  ROOT,
  appReady,
  eventually,
  expectHidden,
  expectText,
  expectVisible,
  freePort,
  goCall,
  shoot,
  useBrowser,
  useScenario,
  waitForPort,
  PDS,
  blueskyAccount,
  useFake,
  useFakeMastodon,
  stepper,
} from './harness.mjs';

useBrowser();


const UI = {
  fr: {
    locale: 'fr-FR',
    useKeyring: 'Utiliser le trousseau du système',
    modeKeyring: 'Trousseau du système',
    recoverTitle: 'La clé de chiffrement a disparu',
    recover: 'Repartir avec une nouvelle clé',
    recovered: /Nouvelle clé prête\. 1\u00a0connexion a été perdue/,
    needsReconnect: 'À reconnecter',
    reconnectNamed: (h) => `Reconnecter ${h}`,
    reconnected: (h) => `${h} est reconnecté.`,
    tab: 'Comptes',
    setupTitle: 'Protéger vos comptes',
    noKeyring: /Cet ordinateur n’a pas de trousseau système/,
    orPassphrase: 'Utiliser plutôt une phrase secrète',
    passphrase: 'Phrase secrète',
    repeat: 'Répétez la phrase secrète',
    protect: 'Protéger avec cette phrase secrète',
    mismatch: 'Les deux phrases secrètes ne sont pas identiques.',
    protected: 'Vos comptes sont protégés.',
    connect: (n) => `Connecter ${n}`,
    handle: 'Identifiant ou e-mail',
    appPassword: 'Mot de passe d’application',
    appPasswordHint: /créez un mot de passe d’application dans Bluesky/,
    server: 'Serveur',
    submit: 'Connecter',
    badCredentials: 'L’identifiant ou le mot de passe est incorrect.',
    list: 'Comptes de Café Lumière',
    connected: 'Connecté',
    locked: 'Verrouillé',
    instance: 'Adresse de l’instance',
    waitingTitle: 'En attente du navigateur…',
    cancelled: 'Connexion annulée.',
    needsApp: /Ces réseaux n’acceptent que des applications connues/,
    unlockTitle: 'Vos comptes sont verrouillés',
    unlock: 'Déverrouiller',
    wrongPassphrase: /Cette phrase secrète n’est pas la bonne\. Rien n’a été modifié\./,
    wait: /Vous pourrez réessayer dans \d+\u00a0secondes?\./,
    unlocked: 'Vos comptes sont déverrouillés.',
    disconnectNamed: (h) => `Déconnecter ${h}`,
    disconnectTitle: (h) => `Déconnecter ${h}\u00a0?`,
    revokeAppPassword: /Supprimez aussi le mot de passe d’application créé pour Relais/,
    disconnectConfirm: 'Déconnecter',
    disconnected: (h) => `${h} est déconnecté.`,
    settings: 'Réglages',
    vaultTitle: 'Sécurité des comptes',
    modePassphrase: 'Phrase secrète',
    devApps: 'Applications développeur',
    addX: 'Ajouter l’application développeur X',
    editX: 'Modifier l’application développeur X',
    clientId: 'Identifiant client',
    clientSecret: 'Secret client',
    port: 'Port de redirection',
    save: 'Enregistrer',
    secretSaved: 'Secret enregistré',
    noSecret: 'Sans secret',
    secretKeep: /Un secret est enregistré\. Laissez vide pour le garder/,
    cancel: 'Annuler',
    rotate: 'Renouveler la clé…',
    rotateSubmit: 'Renouveler la clé',
    rotated: 'Clé de chiffrement renouvelée.',
    navLabel: 'Navigation principale',
    overviewNav: 'Tous les clients',
    attentionTitle: 'Demande votre attention',
    revokedReason: 'Accès révoqué — à reconnecter',
    toReconnect: '1\u00a0compte à reconnecter',
    openAccounts: (n) => `Ouvrir les comptes de ${n}`,
    changePass: 'Changer la phrase secrète…',
    changeTitle: 'Changer la phrase secrète',
    currentPass: 'Phrase secrète actuelle',
    newPass: 'Nouvelle phrase secrète',
    repeatNew: 'Répétez la nouvelle phrase secrète',
    changeSubmit: 'Changer la phrase secrète',
    changed: 'Phrase secrète changée.',
    lockNow: 'Verrouiller maintenant',
    addPinterest: 'Ajouter l’application développeur Pinterest',
    connectedNotice: (h) => `${h} est connecté.`,
    accountsTitle: 'Comptes connectés',
    readyNets: 'Réseaux que vous pouvez connecter',
    close: 'Fermer',
  },
  en: {
    locale: 'en-US',
    useKeyring: 'Use the system keyring',
    modeKeyring: 'System keyring',
    recoverTitle: 'The encryption key is missing',
    recover: 'Start with a new key',
    recovered: /New key ready\. 1 sign-in was lost/,
    needsReconnect: 'Needs reconnection',
    reconnectNamed: (h) => `Reconnect ${h}`,
    reconnected: (h) => `${h} is reconnected.`,
    tab: 'Accounts',
    setupTitle: 'Protect your accounts',
    noKeyring: /This computer has no system keyring/,
    orPassphrase: 'Use a passphrase instead',
    passphrase: 'Passphrase',
    repeat: 'Repeat the passphrase',
    protect: 'Protect with this passphrase',
    mismatch: 'The two passphrases are not the same.',
    protected: 'Your accounts are protected.',
    connect: (n) => `Connect ${n}`,
    handle: 'Handle or email',
    appPassword: 'App password',
    appPasswordHint: /create an app password in Bluesky/,
    server: 'Server',
    submit: 'Connect',
    badCredentials: 'The identifier or password is wrong.',
    list: 'Accounts of Café Lumière',
    connected: 'Connected',
    locked: 'Locked',
    instance: 'Instance address',
    waitingTitle: 'Waiting for the browser…',
    cancelled: 'Connection cancelled.',
    needsApp: /These networks only accept apps they know/,
    unlockTitle: 'Your accounts are locked',
    unlock: 'Unlock',
    wrongPassphrase: /This passphrase is not the right one\. Nothing was changed\./,
    wait: /You can try again in \d+ seconds?\./,
    unlocked: 'Your accounts are unlocked.',
    disconnectNamed: (h) => `Disconnect ${h}`,
    disconnectTitle: (h) => `Disconnect ${h}?`,
    revokeAppPassword: /Also delete the app password you made for Relais/,
    disconnectConfirm: 'Disconnect',
    disconnected: (h) => `${h} is disconnected.`,
    settings: 'Settings',
    vaultTitle: 'Account security',
    modePassphrase: 'Passphrase',
    devApps: 'Developer apps',
    addX: 'Add the X developer app',
    editX: 'Edit the X developer app',
    clientId: 'Client ID',
    clientSecret: 'Client secret',
    port: 'Redirect port',
    save: 'Save',
    secretSaved: 'Secret saved',
    noSecret: 'No secret',
    secretKeep: /A secret is saved\. Leave empty to keep it/,
    cancel: 'Cancel',
    rotate: 'Renew the key…',
    rotateSubmit: 'Renew the key',
    rotated: 'Encryption key renewed.',
    navLabel: 'Main',
    overviewNav: 'All clients',
    attentionTitle: 'Needs your attention',
    revokedReason: 'Access revoked — reconnect',
    toReconnect: '1 account to reconnect',
    openAccounts: (n) => `Open the accounts of ${n}`,
    changePass: 'Change passphrase…',
    changeTitle: 'Change the passphrase',
    currentPass: 'Current passphrase',
    newPass: 'New passphrase',
    repeatNew: 'Repeat the new passphrase',
    changeSubmit: 'Change passphrase',
    changed: 'Passphrase changed.',
    lockNow: 'Lock now',
    addPinterest: 'Add the Pinterest developer app',
    connectedNotice: (h) => `${h} is connected.`,
    accountsTitle: 'Connected accounts',
    readyNets: 'Networks you can connect',
    close: 'Close',
  },
};

// ---------- the real Bluesky server and the fake Mastodon instance

const fakeMastodon = useFakeMastodon({ pds: true });
const fakePinterest = useFake('./backend/network/pinterest/fakepinterest');

const timings = [];

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`accounts and vault in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    // No session bus (the harness's default): no Secret Service, so
    // passphrase mode whatever the machine.
    const S = useScenario({
      tag: `accounts-${lang}`,
      locale: L.locale,
      colorScheme: 'light',
      viewport: { width: 1200, height: 780 },
      env: () => ({ RELAIS_DEV_BROWSER: 'get', RELAIS_DEV_PINTEREST: fakePinterest.url }),
    });
    let page;
    let ws;
    let bsky;
    const main = () => page.locator('main');
    const dialog = () => page.getByRole('dialog');
    const alertDialog = () => page.getByRole('alertdialog');
    const list = () => main().getByRole('list', { name: L.list });
    const row = (handle) => list().getByRole('listitem').filter({ hasText: handle });
    const passphrase = `e2e passphrase ${lang} ${crypto.randomBytes(4).toString('hex')}`;

    // shoot closes the notices, which a modal dialog makes unclickable:
    // close them before opening one.
    async function closeNotices() {
      const closers = page.getByRole('status').getByRole('button');
      while ((await closers.count()) > 0) await closers.first().click();
    }

    const step = stepper(`${lang}-accounts`, () => page);

    before(async () => {
      page = S.page;
      ws = await goCall(page, 'Workspaces', 'Create', {
        name: 'Café Lumière',
        color: '#c2410c',
        timezone: 'Europe/Paris',
        language: lang,
      });
      await page.reload();
      await page.getByRole('navigation').getByRole('button', { name: 'Café Lumière', exact: true }).click();
      await expectText(page.getByRole('heading', { level: 1 }), 'Café Lumière');
    });

    step('the accounts tab asks how to protect the accounts first: a passphrase, as there is no keyring', async () => {
      await page.getByRole('button', { name: L.tab, exact: true }).click();
      const gate = main().getByRole('region', { name: L.setupTitle });
      await expectVisible(gate, 'the vault set-up');
      const status = await goCall(page, 'Vault', 'Status');
      assert.equal(status.setUp, false);
      if (status.keyringAvailable) {
        // A desktop session with a Secret Service: choose the passphrase anyway.
        await gate.getByRole('button', { name: L.orPassphrase }).click();
      } else {
        await expectText(gate, L.noKeyring);
      }
      // Networks cannot be connected before.
      assert.equal(await main().getByRole('button', { name: L.connect('Bluesky') }).isDisabled(), true);
      await gate.getByLabel(L.passphrase, { exact: true }).fill(passphrase);
      await gate.getByLabel(L.repeat).fill(passphrase + 'x');
      await gate.getByRole('button', { name: L.protect }).click();
      await expectText(gate.getByRole('alert'), L.mismatch);
      assert.equal((await goCall(page, 'Vault', 'Status')).setUp, false, 'a mismatch sets nothing up');
      await shoot(page, lang, 'acc-01-vault-setup');
      await gate.getByLabel(L.repeat).fill(passphrase);
      await gate.getByRole('button', { name: L.protect }).click();
      await gate.waitFor({ state: 'hidden', timeout: 30_000 }); // argon2id takes seconds on a loaded machine
      await expectText(page.getByRole('status'), L.protected);
      const after = await goCall(page, 'Vault', 'Status');
      assert.deepEqual([after.mode, after.setUp, after.locked], ['passphrase', true, false]);
    });

    step('an OAuth network without the agency’s developer app is disabled and says why', async () => {
      const x = main().getByRole('button', { name: L.connect('X'), exact: true });
      assert.equal(await x.isDisabled(), true);
      const why = await x.getAttribute('aria-describedby');
      await expectText(main().locator(`#${why}`), L.needsApp);
    });

    step('Bluesky, real server: a wrong app password is refused with a sentence, nothing is added', async () => {
      bsky = await blueskyAccount();
      await main().getByRole('button', { name: L.connect('Bluesky') }).click();
      const form = main().locator('#acc-form-bluesky');
      await expectVisible(form);
      await expectText(form, L.appPasswordHint);
      await form.getByLabel(L.handle).fill('@' + bsky.handle);
      await form.getByLabel(L.appPassword, { exact: true }).fill('aaaa-bbbb-cccc-dddd');
      await form.getByLabel(L.server).fill(PDS);
      await form.getByRole('button', { name: L.submit, exact: true }).click();
      await expectText(form.getByRole('alert'), L.badCredentials);
      assert.equal(await form.getByLabel(L.appPassword, { exact: true }).inputValue(), '', 'the wrong password is cleared');
      assert.equal((await goCall(page, 'Accounts', 'List', ws.id)).length, 0);
      await shoot(page, lang, 'acc-02-bluesky-wrong-password');
    });

    step('Bluesky, real server: handle + app password + server connects and lists the account', async () => {
      const form = main().locator('#acc-form-bluesky');
      await form.getByLabel(L.appPassword, { exact: true }).fill(bsky.appPassword);
      const t0 = performance.now();
      await form.getByRole('button', { name: L.submit, exact: true }).click();
      await expectText(row(bsky.handle), L.connected, 'the Bluesky account listed as connected');
      const ui = performance.now() - t0;
      const accs = await goCall(page, 'Accounts', 'List', ws.id);
      assert.equal(accs.length, 1);
      assert.equal(accs[0].network, 'bluesky');
      assert.equal(accs[0].handle, bsky.handle);
      assert.equal(accs[0].state, 'connected');
      assert.ok(!JSON.stringify(accs).includes(bsky.appPassword), 'the app password never comes back');
      // The connect call itself (createSession, then the first verified
      // call, getProfile), a few times on the same account.
      const calls = [];
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        await goCall(page, 'Accounts', 'ConnectBluesky', ws.id, PDS, bsky.handle, bsky.appPassword);
        calls.push(performance.now() - s);
      }
      const mean = calls.reduce((a, b) => a + b, 0) / calls.length;
      timings.push({ lang, ui, mean, min: Math.min(...calls), max: Math.max(...calls) });
      console.log(
        `# Bluesky connect → first verified call (real PDS, ${lang}): click→listed ${ui.toFixed(0)} ms; ` +
          `ConnectBluesky mean ${mean.toFixed(0)} ms over ${calls.length} (min ${Math.min(...calls).toFixed(0)}, max ${Math.max(...calls).toFixed(0)})`,
      );
      assert.equal((await goCall(page, 'Accounts', 'List', ws.id)).length, 1, 'connecting again does not duplicate');
      await expectHidden(main().locator('#acc-form-bluesky'), 'the form once connected');
    });

    step('Mastodon through the browser sign-in: the account is listed with the instance', async () => {
      await main().getByRole('button', { name: L.connect('Mastodon') }).click();
      const form = main().locator('#acc-form-mastodon');
      await form.getByLabel(L.instance).fill(fakeMastodon.url);
      await form.getByRole('button', { name: L.submit, exact: true }).click();
      await expectText(row('cafe'), L.connected, 'the Mastodon account listed as connected');
      const accs = await goCall(page, 'Accounts', 'List', ws.id);
      const m = accs.find((a) => a.network === 'mastodon');
      assert.ok(m, 'a Mastodon account');
      assert.equal(m.displayName, 'Café Lumière');
      assert.equal(m.limits?.maxChars, 1000, 'the instance’s own limits are read');
      // Keyboard: the list and its actions are reachable by name.
      await expectVisible(row(bsky.handle).getByRole('button', { name: L.disconnectNamed(bsky.handle) }));
      await shoot(page, lang, 'acc-03-accounts-list');
    });

    step('a sign-in not finished in the browser: Relais waits, Cancel ends it, nothing is added', async () => {
      await fetch(`${fakeMastodon.url}/_test/hold?on=1`);
      try {
        await closeNotices();
        await main().getByRole('button', { name: L.connect('Mastodon') }).click();
        const form = main().locator('#acc-form-mastodon');
        await form.getByLabel(L.instance).fill(fakeMastodon.url);
        await form.getByRole('button', { name: L.submit, exact: true }).click();
        await expectVisible(dialog(), 'the waiting dialog');
        await expectText(dialog().getByRole('heading'), L.waitingTitle);
        await shoot(page, lang, 'acc-04-waiting');
        await dialog().getByRole('button', { name: L.cancel, exact: true }).click();
        await expectHidden(dialog(), 'the waiting dialog after Cancel');
        await expectText(page.getByRole('status'), L.cancelled);
        assert.equal((await goCall(page, 'Accounts', 'List', ws.id)).length, 2, 'nothing added or removed');
      } finally {
        await fetch(`${fakeMastodon.url}/_test/hold?on=0`);
      }
    });

    step('locked vault: accounts say so, a wrong passphrase is refused with the wait, the right one unlocks', async () => {
      await goCall(page, 'Vault', 'Lock');
      const gate = main().getByRole('region', { name: L.unlockTitle });
      await expectVisible(gate, 'the unlock form');
      await expectText(row(bsky.handle), L.locked);
      const unlock = gate.getByRole('button', { name: L.unlock });
      // Each wrong try doubles the wait before the next (1 s, 2 s, 4 s…).
      for (let i = 1; i <= 3; i++) {
        await gate.getByLabel(L.passphrase).fill(`not the passphrase, try ${i}`);
        await eventually(async () => !(await unlock.isDisabled()), `try ${i} allowed`, 6000);
        await unlock.click();
        await expectText(gate.getByRole('alert'), L.wrongPassphrase);
        await expectText(gate.getByRole('alert'), L.wait);
        assert.equal(await unlock.isDisabled(), true, 'Unlock waits');
      }
      assert.equal((await goCall(page, 'Vault', 'Status')).locked, true, 'still locked');
      await shoot(page, lang, 'acc-05-wrong-passphrase');
      // The wait ends, then the right passphrase opens the vault.
      await gate.getByLabel(L.passphrase).fill(passphrase);
      await eventually(async () => !(await gate.getByRole('button', { name: L.unlock }).isDisabled()), 'the wait to end', 5000);
      await gate.getByRole('button', { name: L.unlock }).click();
      await gate.waitFor({ state: 'hidden', timeout: 30_000 }); // argon2id takes seconds on a loaded machine
      await expectText(row(bsky.handle), L.connected);
      assert.equal((await goCall(page, 'Vault', 'Status')).locked, false);
    });

    step('disconnecting Bluesky asks first and says to delete the app password in Bluesky', async () => {
      await closeNotices();
      await row(bsky.handle).getByRole('button', { name: L.disconnectNamed(bsky.handle) }).click();
      await expectVisible(alertDialog());
      await expectText(alertDialog().getByRole('heading'), L.disconnectTitle(bsky.handle));
      await expectText(alertDialog(), L.revokeAppPassword);
      await shoot(page, lang, 'acc-06-disconnect');
      await alertDialog().getByRole('button', { name: L.disconnectConfirm, exact: true }).click();
      await expectHidden(alertDialog());
      await expectText(page.getByRole('status'), L.disconnected(bsky.handle));
      const accs = await goCall(page, 'Accounts', 'List', ws.id);
      assert.deepEqual(accs.map((a) => a.network), ['mastodon']);
    });

    step('app settings: the vault mode said plainly, a developer app added with a write-only secret', async () => {
      await page.getByRole('navigation').getByRole('button', { name: L.settings, exact: true }).click();
      const vaultSection = main().getByRole('region', { name: L.vaultTitle });
      await expectVisible(vaultSection);
      await expectText(vaultSection.locator('[data-vault-mode]'), L.modePassphrase);
      const dev = main().getByRole('region', { name: L.devApps });
      await dev.scrollIntoViewIfNeeded();
      await closeNotices();
      await dev.getByRole('button', { name: L.addX }).click();
      await expectVisible(dialog());
      await dialog().getByLabel(L.clientId).fill('relais-agency-x');
      await dialog().getByLabel(L.clientSecret).fill('X-SECRET-never-shown');
      await dialog().getByLabel(L.port).fill('8765');
      await expectText(dialog(), 'http://127.0.0.1:8765/callback');
      await shoot(page, lang, 'acc-07-devapp-dialog');
      await dialog().getByRole('button', { name: L.save, exact: true }).click();
      await expectHidden(dialog());
      await expectText(dev.getByRole('row', { name: /X/ }).first(), L.secretSaved);
      // Editing again: the secret field is empty, the hint says one is kept.
      await dev.getByRole('button', { name: L.editX }).click();
      await expectVisible(dialog());
      assert.equal(await dialog().getByLabel(L.clientSecret).inputValue(), '');
      await expectText(dialog(), L.secretKeep);
      assert.equal(await dialog().getByLabel(L.clientId).inputValue(), 'relais-agency-x');
      await dialog().getByRole('button', { name: L.cancel, exact: true }).click();
      await expectHidden(dialog());
      const html = await page.content();
      assert.ok(!html.includes('X-SECRET-never-shown'), 'the secret is nowhere in the page');
      const apps = await goCall(page, 'Accounts', 'DevApps');
      assert.deepEqual(apps, [{ network: 'x', clientId: 'relais-agency-x', port: 8765, hasSecret: true }]);
      await vaultSection.scrollIntoViewIfNeeded();
      await shoot(page, lang, 'acc-08-settings');
    });

    step('renewing the key keeps every sign-in: the Mastodon account still verifies', async () => {
      const vaultSection = main().getByRole('region', { name: L.vaultTitle });
      await vaultSection.getByRole('button', { name: L.rotate }).click();
      await expectVisible(dialog());
      await dialog().getByLabel(L.passphrase).fill(passphrase);
      await dialog().getByRole('button', { name: L.rotateSubmit, exact: true }).click();
      // Three argon2id derivations (check, then the key file twice): about
      // 1.5 s on a quiet machine, much more on a loaded one.
      await dialog().waitFor({ state: 'hidden', timeout: 45_000 });
      await expectText(page.getByRole('status'), L.rotated);
      const accs = await goCall(page, 'Accounts', 'List', ws.id);
      const m = accs.find((a) => a.network === 'mastodon');
      const again = await goCall(page, 'Accounts', 'Reconnect', m.id, '');
      assert.equal(again.state, 'connected');
      assert.deepEqual(S.pageErrors, []);
    });

    // The key file beside the database: the data key wrapped by the
    // passphrase. A passphrase change rewrites it, and nothing else does.
    const keyFile = () => fs.readFileSync(path.join(S.dataDir, 'vault.key'));
    const newPassphrase = `new e2e passphrase ${lang} ${crypto.randomBytes(4).toString('hex')}`;
    let keyBefore;

    step('changing the passphrase: a wrong current one is refused with a sentence, and nothing changes', async () => {
      const vaultSection = main().getByRole('region', { name: L.vaultTitle });
      keyBefore = keyFile();
      await closeNotices();
      await vaultSection.getByRole('button', { name: L.changePass }).click();
      await expectVisible(dialog(), 'the change dialog');
      await expectText(dialog().getByRole('heading'), L.changeTitle);
      await dialog().getByLabel(L.currentPass).fill('not the passphrase at all');
      await dialog().getByLabel(L.newPass, { exact: true }).fill(newPassphrase);
      await dialog().getByLabel(L.repeatNew).fill(newPassphrase);
      const submit = dialog().getByRole('button', { name: L.changeSubmit, exact: true });
      await submit.click();
      const alert = dialog().getByRole('alert');
      await expectText(alert, L.wrongPassphrase, 'the sentence saying so, and that nothing changed');
      await expectText(alert, L.wait, 'the wait before the next try');
      assert.equal(await submit.isDisabled(), true, 'Change waits too');
      assert.equal(await dialog().getByLabel(L.currentPass).getAttribute('aria-invalid'), 'true');
      assert.equal(
        await dialog().getByLabel(L.currentPass).evaluate((el) => el === document.activeElement),
        true,
        'the current passphrase field has the focus, to type it again',
      );
      assert.ok(keyFile().equals(keyBefore), 'the key file is untouched');
      const st = await goCall(page, 'Vault', 'Status');
      assert.deepEqual([st.mode, st.locked], ['passphrase', false], 'still unlocked, in passphrase mode');
      await shoot(page, lang, 'acc-13-change-wrong');
    });

    step('changing the passphrase: the right current one changes it, and unlocking then needs the new one', async () => {
      const submit = dialog().getByRole('button', { name: L.changeSubmit, exact: true });
      await dialog().getByLabel(L.currentPass).fill(passphrase);
      await eventually(async () => !(await submit.isDisabled()), 'the wait to end', 6000);
      await submit.click();
      await dialog().waitFor({ state: 'hidden', timeout: 45_000 }); // two argon2id derivations
      await expectText(page.getByRole('status'), L.changed);
      assert.ok(!keyFile().equals(keyBefore), 'the key file is wrapped again');
      // Lock, then the old passphrase no longer opens the accounts.
      const vaultSection = main().getByRole('region', { name: L.vaultTitle });
      await closeNotices();
      await vaultSection.getByRole('button', { name: L.lockNow }).click();
      const gate = vaultSection.getByRole('region', { name: L.unlockTitle });
      await expectVisible(gate, 'the unlock form in Settings');
      const unlock = gate.getByRole('button', { name: L.unlock });
      await gate.getByLabel(L.passphrase, { exact: true }).fill(passphrase);
      await unlock.click();
      await expectText(gate.getByRole('alert'), L.wrongPassphrase, 'the old passphrase refused');
      assert.equal((await goCall(page, 'Vault', 'Status')).locked, true, 'still locked');
      await gate.getByLabel(L.passphrase, { exact: true }).fill(newPassphrase);
      await eventually(async () => !(await unlock.isDisabled()), 'the wait to end', 6000);
      await unlock.click();
      await gate.waitFor({ state: 'hidden', timeout: 30_000 });
      await expectText(page.getByRole('status'), L.unlocked);
      assert.equal((await goCall(page, 'Vault', 'Status')).locked, false);
      // The sign-ins were not touched: the Mastodon account still verifies.
      const m = (await goCall(page, 'Accounts', 'List', ws.id)).find((a) => a.network === 'mastodon');
      assert.equal((await goCall(page, 'Accounts', 'Reconnect', m.id, '')).state, 'connected');
      await shoot(page, lang, 'acc-14-change-done');
    });

    step('Pinterest from its Connect button: the browser sign-in, the account listed by handle, no token in the page', async () => {
      // The agency's Pinterest app, in Settings (any loopback port).
      const dev = main().getByRole('region', { name: L.devApps });
      await dev.scrollIntoViewIfNeeded();
      await closeNotices();
      await dev.getByRole('button', { name: L.addPinterest }).click();
      await expectVisible(dialog());
      await dialog().getByLabel(L.clientId).fill('relais-agency-pinterest');
      await dialog().getByLabel(L.clientSecret).fill('PIN-SECRET-never-shown');
      await dialog().getByRole('button', { name: L.save, exact: true }).click();
      await expectHidden(dialog());
      // The client's Accounts tab: Pinterest can be connected now.
      await page.getByRole('navigation').getByRole('button', { name: 'Café Lumière', exact: true }).click();
      await page.getByRole('button', { name: L.tab, exact: true }).click();
      const pin = main().getByRole('list', { name: L.readyNets }).getByRole('button', { name: L.connect('Pinterest'), exact: true });
      await expectVisible(pin, 'Pinterest among the networks ready to connect');
      assert.equal(await pin.isDisabled(), false);
      await closeNotices();
      await pin.click();
      // The dev build's "system browser" fetched the authorization URL at
      // the fake, which approved and sent it back to Relais's loopback.
      await expectText(row('boulangerie_lune'), L.connected, 'the Pinterest account listed as connected');
      await expectText(row('boulangerie_lune'), 'Boulangerie Lune');
      await expectText(page.getByRole('status'), L.connectedNotice('boulangerie_lune'));
      await expectHidden(dialog(), 'the waiting dialog once signed in');
      const accs = await goCall(page, 'Accounts', 'List', ws.id);
      const p = accs.find((a) => a.network === 'pinterest');
      assert.deepEqual([p?.handle, p?.displayName, p?.state], ['boulangerie_lune', 'Boulangerie Lune', 'connected']);
      // fakepinterest's tokens are pina_… (access) and pinr_… (refresh).
      const html = await page.content();
      for (const secret of [/pin[ar]_[0-9a-f]{8,}/, /PIN-SECRET/]) {
        assert.doesNotMatch(html, secret, 'no token or client secret in the page');
        assert.doesNotMatch(JSON.stringify(accs), secret, 'no token or client secret in the accounts sent to the page');
      }
      await shoot(page, lang, 'acc-15-pinterest-connected');
      assert.deepEqual(S.pageErrors, []);
    });
  });
}

// ---------- the keyboard alone

/**
 * Keyboard helpers for one page: where the focus is, whether it shows,
 * and Tab pressed until it reaches an element (each stop on the way
 * somewhere, never the page itself).
 */
function keyboard(page) {
  const isFocused = (loc) => loc.evaluate((el) => el === document.activeElement);
  return {
    /** expectFocus waits for loc to have the focus, and checks it is drawn (an outline, or an input's ring). */
    async expectFocus(loc, what) {
      await eventually(async () => (await isFocused(loc)) || false, `the focus on ${what}`);
      const shown = await loc.evaluate((el) => {
        const cs = getComputedStyle(el);
        const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
        return el.matches(':focus-visible') && ring;
      });
      assert.ok(shown, `${what}: the focus is visible`);
    },
    /** tabTo presses Tab (or Shift+Tab) until loc has the focus; it returns how many presses. */
    async tabTo(loc, what, { back = false, max = 60 } = {}) {
      await loc.waitFor({ state: 'visible' });
      for (let i = 0; i <= max; i++) {
        if (await isFocused(loc)) return i;
        await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        const lost = await page.evaluate(() => !document.activeElement || document.activeElement === document.body);
        assert.ok(!lost, `on the way to ${what}, press ${i + 1} left the focus nowhere`);
      }
      throw new Error(`${what}: not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
    },
    /** focusName is the focused element's accessible name (as far as a label or aria-label gives it). */
    focusName: () =>
      page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return '';
        const lab = el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent);
        return (lab || el.textContent || '').trim();
      }),
    /** trapped presses key n times in the open dialog and says where the focus went each time (names), failing if it left. */
    async trapped(dlg, key, n) {
      const seen = [];
      for (let i = 0; i < n; i++) {
        await page.keyboard.press(key);
        const inside = await dlg.evaluate((d) => d.contains(document.activeElement) && document.activeElement !== d);
        assert.ok(inside, `${key} #${i + 1}: the focus left the dialog`);
        seen.push(await this.focusName());
      }
      return seen;
    },
  };
}

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`accounts with the keyboard alone, in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const S = useScenario({
      tag: `kbd-${lang}`,
      locale: L.locale,
      colorScheme: 'light',
      viewport: { width: 1200, height: 780 },
      env: { RELAIS_DEV_BROWSER: 'get' },
    });
    let page;
    let ws;
    let bsky;
    let K;
    const main = () => page.locator('main');
    const dialog = () => page.getByRole('dialog');
    const alertDialog = () => page.getByRole('alertdialog');
    const list = () => main().getByRole('list', { name: L.list });
    const row = (handle) => list().getByRole('listitem').filter({ hasText: handle });
    const connectBtn = (n) => main().getByRole('list', { name: L.readyNets }).getByRole('button', { name: L.connect(n), exact: true });
    const passphrase = `keyboard passphrase ${lang} ${crypto.randomBytes(4).toString('hex')}`;
    const step = stepper(`${lang}-keyboard`, () => page);

    before(async () => {
      page = S.page;
      K = keyboard(page);
      ws = await goCall(page, 'Workspaces', 'Create', { name: 'Café Lumière', color: '#c2410c', timezone: 'Europe/Paris', language: lang });
      bsky = await blueskyAccount('kb');
      await page.reload();
      await appReady(page);
    });

    step('Tab and Enter reach the client’s Accounts tab from the sidebar', async () => {
      const client = page.getByRole('navigation', { name: L.navLabel }).getByRole('button', { name: 'Café Lumière', exact: true });
      await K.tabTo(client, 'the client in the sidebar');
      await K.expectFocus(client, 'the client in the sidebar');
      await page.keyboard.press('Enter');
      await expectText(page.getByRole('heading', { level: 1 }), 'Café Lumière');
      const tab = main().getByRole('navigation').getByRole('button', { name: L.tab, exact: true });
      await K.tabTo(tab, 'the Accounts tab');
      await K.expectFocus(tab, 'the Accounts tab');
      await page.keyboard.press('Enter');
      await eventually(async () => (await tab.getAttribute('aria-current')) === 'page', 'the Accounts tab open');
      await expectVisible(main().getByRole('region', { name: L.setupTitle }), 'the vault set-up');
    });

    step('the passphrase set-up by keyboard; the focus then goes to the accounts, not the top of the page', async () => {
      const gate = main().getByRole('region', { name: L.setupTitle });
      const pass = gate.getByLabel(L.passphrase, { exact: true });
      await K.tabTo(pass, 'the passphrase field');
      await K.expectFocus(pass, 'the passphrase field');
      await page.keyboard.type(passphrase);
      await page.keyboard.press('Tab');
      await K.expectFocus(gate.getByLabel(L.repeat), 'the repeat field, next');
      await page.keyboard.type(passphrase);
      await page.keyboard.press('Enter');
      await gate.waitFor({ state: 'hidden', timeout: 30_000 }); // argon2id
      await expectText(page.getByRole('status'), L.protected);
      await K.expectFocus(main().getByRole('heading', { name: L.accountsTitle, exact: true }), 'the accounts heading');
    });

    step('Bluesky by keyboard: Space opens the form in its first field, a wrong password puts the focus back on it', async () => {
      const bskyBtn = connectBtn('Bluesky');
      await K.tabTo(bskyBtn, 'Connect Bluesky');
      await K.expectFocus(bskyBtn, 'Connect Bluesky');
      await page.keyboard.press('Space');
      assert.equal(await bskyBtn.getAttribute('aria-expanded'), 'true');
      const form = main().locator('#acc-form-bluesky');
      const handle = form.getByLabel(L.handle);
      const pw = form.getByLabel(L.appPassword, { exact: true });
      await K.expectFocus(handle, 'the handle field');
      await page.keyboard.type('@' + bsky.handle);
      await page.keyboard.press('Tab');
      await K.expectFocus(pw, 'the app password field');
      await page.keyboard.type('aaaa-bbbb-cccc-dddd');
      await page.keyboard.press('Tab');
      await K.expectFocus(form.getByLabel(L.server), 'the server field');
      await page.keyboard.type(PDS);
      await page.keyboard.press('Enter');
      await expectText(form.getByRole('alert'), L.badCredentials);
      await K.expectFocus(pw, 'the app password field, after the refusal');
      assert.equal(await pw.inputValue(), '', 'the wrong password is cleared');
      assert.equal(await pw.getAttribute('aria-invalid'), 'true');
      await shoot(page, lang, 'kbd-01-bluesky-refused', { keepNotices: true });
    });

    step('Bluesky by keyboard: Enter connects, the form closes and the focus goes back to its button', async () => {
      const form = main().locator('#acc-form-bluesky');
      await page.keyboard.type(bsky.appPassword);
      await page.keyboard.press('Enter');
      await expectText(row(bsky.handle), L.connected, 'the Bluesky account listed');
      await expectHidden(form, 'the form once connected');
      await expectText(page.getByRole('status'), L.connectedNotice(bsky.handle));
      const bskyBtn = connectBtn('Bluesky');
      await K.expectFocus(bskyBtn, 'Connect Bluesky, after connecting');
      assert.equal(await bskyBtn.getAttribute('aria-expanded'), 'false');
      const accs = await goCall(page, 'Accounts', 'List', ws.id);
      assert.deepEqual(accs.map((a) => [a.network, a.handle, a.state]), [['bluesky', bsky.handle, 'connected']]);
    });

    step('the disconnect dialog: the focus starts on Cancel, Tab and Shift+Tab stay inside, Escape closes it and returns to its button', async () => {
      const disc = row(bsky.handle).getByRole('button', { name: L.disconnectNamed(bsky.handle) });
      await K.tabTo(disc, 'Disconnect', { back: true });
      await K.expectFocus(disc, 'Disconnect');
      await page.keyboard.press('Enter');
      await expectVisible(alertDialog(), 'the disconnect dialog');
      await expectText(alertDialog().getByRole('heading'), L.disconnectTitle(bsky.handle));
      await K.expectFocus(alertDialog().getByRole('button', { name: L.cancel, exact: true }), 'Cancel, the safe choice');
      // Three buttons (Close, Cancel, Disconnect): seven presses go round twice.
      const fwd = await K.trapped(alertDialog(), 'Tab', 7);
      const back = await K.trapped(alertDialog(), 'Shift+Tab', 7);
      for (const seen of [fwd, back]) {
        assert.deepEqual(new Set(seen), new Set([L.close, L.cancel, L.disconnectConfirm]), `every button, and only them: ${seen}`);
      }
      await shoot(page, lang, 'kbd-02-disconnect-dialog', { keepNotices: true });
      await page.keyboard.press('Escape');
      await expectHidden(alertDialog(), 'the dialog after Escape');
      await K.expectFocus(disc, 'Disconnect, after Escape');
      assert.equal((await goCall(page, 'Accounts', 'List', ws.id)).length, 1, 'Escape disconnects nothing');
    });

    step('Mastodon’s waiting dialog: the focus on Cancel, Escape ends the sign-in and returns to the field it came from', async () => {
      await fetch(`${fakeMastodon.url}/_test/hold?on=1`);
      try {
        const mast = connectBtn('Mastodon');
        await K.tabTo(mast, 'Connect Mastodon');
        await page.keyboard.press('Enter');
        const form = main().locator('#acc-form-mastodon');
        const server = form.getByLabel(L.instance);
        await K.expectFocus(server, 'the instance field');
        await page.keyboard.type(fakeMastodon.url);
        await page.keyboard.press('Enter');
        await expectText(dialog().getByRole('heading'), L.waitingTitle);
        await K.expectFocus(dialog().getByRole('button', { name: L.cancel, exact: true }), 'Cancel in the waiting dialog');
        await K.trapped(dialog(), 'Tab', 3);
        await page.keyboard.press('Escape');
        await expectHidden(dialog(), 'the waiting dialog after Escape');
        await expectText(page.getByRole('status'), L.cancelled);
        await K.expectFocus(server, 'the instance field it was opened from, after Escape');
        assert.equal((await goCall(page, 'Accounts', 'List', ws.id)).length, 1, 'nothing added');
      } finally {
        await fetch(`${fakeMastodon.url}/_test/hold?on=0`);
      }
    });

    step('disconnecting by keyboard: Space, Tab to Disconnect, Enter; the focus lands on the networks to connect', async () => {
      const disc = row(bsky.handle).getByRole('button', { name: L.disconnectNamed(bsky.handle) });
      await K.tabTo(disc, 'Disconnect', { back: true });
      await page.keyboard.press('Space');
      await expectVisible(alertDialog(), 'the disconnect dialog');
      await K.expectFocus(alertDialog().getByRole('button', { name: L.cancel, exact: true }), 'Cancel');
      await page.keyboard.press('Tab');
      const confirm = alertDialog().getByRole('button', { name: L.disconnectConfirm, exact: true });
      await K.expectFocus(confirm, 'Disconnect in the dialog');
      await page.keyboard.press('Enter');
      await expectHidden(alertDialog(), 'the dialog once disconnected');
      await expectText(page.getByRole('status'), L.disconnected(bsky.handle));
      assert.equal((await goCall(page, 'Accounts', 'List', ws.id)).length, 0);
      // Its button went with the account: the first network to connect takes the focus.
      await K.expectFocus(main().getByRole('list', { name: L.readyNets }).getByRole('button').first(), 'the first network to connect');
      assert.match(await K.focusName(), new RegExp(`^${L.connect('')}`), 'a Connect button');
      await shoot(page, lang, 'kbd-03-disconnected', { keepNotices: true });
      assert.deepEqual(S.pageErrors, []);
    });
  });
}

// ---------- keyring mode, and the key lost from it

/**
 * startWithKeyring runs the backend in its own D-Bus session with an
 * unlocked gnome-keyring (a real Secret Service) and a fresh HOME: each call
 * is a new keyring, as after a new OS profile or a wiped keychain.
 */
async function startWithKeyring(dataDir, port, tag) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-home-'));
  for (const d of ['.local/share', '.config', 'run']) fs.mkdirSync(path.join(home, d), { recursive: true, mode: 0o700 });
  const log = fs.openSync(path.join(LOGS, `${tag}.log`), 'a');
  const script =
    'eval "$(printf %s relais-e2e | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL; exec "$0"';
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', script, DEVAPP], {
    cwd: ROOT,
    detached: true, // its own process group: the bus and the keyring go with it
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_RUNTIME_DIR: path.join(home, 'run'),
      devserver: `127.0.0.1:${port}`,
      RELAIS_DATA_DIR: dataDir,
      RELAIS_DEV_BROWSER: 'get',
    },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([
    waitForPort(port, 30_000),
    exited.then(() => {
      throw new Error(`the keyring backend exited early; see ${LOGS}/${tag}.log`);
    }),
  ]);
  return {
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 15_000);
      await exited;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL'); // a keyring daemon left behind
      } catch {}
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

const hasKeyring = ['dbus-run-session', 'gnome-keyring-daemon'].every((b) =>
  (process.env.PATH || '').split(':').some((d) => fs.existsSync(path.join(d, b))),
);

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`the key lost from the system keyring, in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false, skip: !hasKeyring && 'no dbus-run-session / gnome-keyring-daemon' }, () => {
    // Its backends run in their own D-Bus session, one after the other, on
    // the scenario's data folder: useScenario only brings the page.
    const S = useScenario({ tag: `kr-${lang}`, locale: L.locale, colorScheme: 'light', viewport: { width: 1200, height: 780 }, backend: false });
    let page;
    let ws;
    const main = () => page.locator('main');
    const row = (handle) => main().getByRole('list').getByRole('listitem').filter({ hasText: handle });

    const step = stepper(`${lang}-keyring`, () => page);

    async function open(port) {
      await page.goto(`http://127.0.0.1:${port}/`);
      await appReady(page);
      await page.getByRole('navigation').getByRole('button', { name: 'Café Lumière', exact: true }).click();
      await page.getByRole('button', { name: L.tab, exact: true }).click();
    }

    before(() => {
      page = S.page;
    });

    step('with a Secret Service, the keyring is offered and used: nothing to type', async () => {
      const port = await freePort();
      S.backend = await startWithKeyring(S.dataDir, port, `keyring-1-${lang}`);
      await page.goto(`http://127.0.0.1:${port}/`);
      await appReady(page);
      ws = await goCall(page, 'Workspaces', 'Create', { name: 'Café Lumière', color: '#c2410c', timezone: 'Europe/Paris', language: lang });
      await open(port);
      const gate = main().getByRole('region', { name: L.setupTitle });
      await gate.getByRole('button', { name: L.useKeyring }).click();
      await expectHidden(gate, 'the set-up once done');
      const st = await goCall(page, 'Vault', 'Status');
      assert.deepEqual([st.mode, st.locked], ['keyring', false]);
      await goCall(page, 'Accounts', 'ConnectMastodon', ws.id, fakeMastodon.url);
      await expectText(row('cafe'), L.connected);
      // The agency's X app, its client secret sealed under this key too.
      await goCall(page, 'Accounts', 'SetDevApp', 'x', 'relais-agency-x', 'X-SECRET-lost-with-the-key', 0);
    });

    step('a new keyring without the key: Relais says so, a new key marks the account for reconnection', async () => {
      await S.backend.stop();
      const port = await freePort();
      S.backend = await startWithKeyring(S.dataDir, port, `keyring-2-${lang}`);
      await open(port);
      const gate = main().getByRole('region', { name: L.recoverTitle });
      await expectVisible(gate, 'the recovery');
      await expectText(row('cafe'), L.locked);
      assert.equal((await goCall(page, 'Vault', 'Status')).needsRecovery, true);
      await shoot(page, lang, 'acc-09-key-missing');
      await gate.getByRole('button', { name: L.recover }).click();
      await expectHidden(gate, 'the recovery once done');
      await expectText(page.getByRole('status'), L.recovered);
      await expectText(row('cafe'), L.needsReconnect);
      assert.equal((await goCall(page, 'Workspaces', 'List')).length, 1, 'the client is still there');
      await shoot(page, lang, 'acc-10-recovered');
      // One click: the browser sign-in again, the account works.
      const handle = (await goCall(page, 'Accounts', 'List', ws.id))[0].handle;
      await row('cafe').getByRole('button', { name: L.reconnectNamed(handle) }).click();
      await expectText(row('cafe'), L.connected);
      await expectText(page.getByRole('status'), L.reconnected(handle));
      await page.getByRole('navigation').getByRole('button', { name: L.settings, exact: true }).click();
      await expectText(main().getByRole('region', { name: L.vaultTitle }).locator('[data-vault-mode]'), L.modeKeyring);
      // The X app's client secret went with the old key: Settings no
      // longer says one is saved, and asks for it again.
      const dev = main().getByRole('region', { name: L.devApps });
      await dev.scrollIntoViewIfNeeded();
      await expectText(dev.getByRole('row', { name: /X/ }).first(), L.noSecret);
      assert.deepEqual(await goCall(page, 'Accounts', 'DevApps'), [{ network: 'x', clientId: 'relais-agency-x', port: 0, hasSecret: false }]);
      await shoot(page, lang, 'acc-11-devapp-secret-lost');
    });
  });
}

// ---------- reminders across clients: the sidebar and the overview

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`accounts needing attention, seen from every client, in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    // The fake instance revokes its tokens (POST /_test/revoke, as a user
    // removing Relais from the account's apps); the next publication is
    // refused and marks the account. Runs after the scenarios above: the
    // revocation hits every token the instance gave so far.
    const S = useScenario({
      tag: `attention-${lang}`,
      locale: L.locale,
      colorScheme: 'light',
      viewport: { width: 1200, height: 780 },
      env: { RELAIS_DEV_BROWSER: 'get' },
    });
    let page;
    let cafe;
    let mast;
    const main = () => page.locator('main');
    const sidebar = () => page.getByRole('navigation', { name: L.navLabel });
    const section = () => main().getByRole('region', { name: L.attentionTitle });
    const step = stepper(`${lang}-attention`, () => page);

    before(() => {
      page = S.page;
    });

    step('two clients whose accounts work: no badge, no attention list', async () => {
      await goCall(page, 'Vault', 'SetUpPassphrase', `attention passphrase ${lang}`);
      cafe = await goCall(page, 'Workspaces', 'Create', { name: 'Café Lumière', color: '#c2410c', timezone: 'Europe/Paris', language: lang });
      const atelier = await goCall(page, 'Workspaces', 'Create', { name: 'Atelier Nord', color: '#0e7490', timezone: 'Europe/Paris', language: lang });
      [mast] = await goCall(page, 'Accounts', 'ConnectMastodon', cafe.id, fakeMastodon.url);
      const bsky = await blueskyAccount('attn');
      await goCall(page, 'Accounts', 'ConnectBluesky', atelier.id, PDS, bsky.handle, bsky.appPassword);
      assert.deepEqual(await goCall(page, 'Accounts', 'Attention'), []);
      await page.reload();
      await appReady(page);
      await expectVisible(sidebar().getByRole('button', { name: 'Atelier Nord', exact: true }), 'Atelier Nord, without a badge');
      await expectVisible(sidebar().getByRole('button', { name: 'Café Lumière', exact: true }), 'Café Lumière, without a badge');
      assert.equal(await sidebar().locator('.attn').count(), 0, 'no badge in the sidebar');
      assert.equal(await section().count(), 0, 'no attention list on the overview');
    });

    step('a token revoked at the network: the sidebar badge and the overview list say so, without a reload', async () => {
      await fetch(`${fakeMastodon.url}/_test/revoke`, { method: 'POST' });
      const post = await goCall(page, 'Posts', 'Create', cafe.id, { text: 'Fermé lundi', due: '', status: 'draft', accountIds: [mast.id], assetIds: [] });
      await goCall(page, 'Posts', 'Save', { ...post, due: new Date(Date.now() + 3000).toISOString(), status: 'scheduled' });
      const [attn] = await eventually(async () => {
        const list = await goCall(page, 'Accounts', 'Attention');
        return list.length === 1 ? list : false;
      }, 'the refused publication marking the account', 60_000);
      assert.deepEqual([attn.id, attn.workspaceId, attn.state], [mast.id, cafe.id, 'needs_reconnect']);
      // The sidebar: a badge on the client, whose button keeps its name
      // and is described by the reason.
      const cafeButton = sidebar().getByRole('button', { name: 'Café Lumière', exact: true });
      await expectVisible(cafeButton.locator('.attn'), 'the badge on Café Lumière');
      await expectText(cafeButton.locator('.attn'), '1');
      assert.equal(await cafeButton.locator('.attn').getAttribute('title'), L.toReconnect);
      const describedBy = await cafeButton.getAttribute('aria-describedby');
      assert.ok(describedBy, 'the client button is described by the reason');
      assert.equal(await page.locator(`[id="${describedBy}"]`).textContent(), L.toReconnect);
      await expectVisible(sidebar().getByRole('button', { name: 'Atelier Nord', exact: true }), 'Atelier Nord still without a badge');
      // The overview: one line, client, network, handle and reason.
      await expectVisible(section(), 'the attention list');
      const items = section().getByRole('listitem');
      await eventually(async () => (await items.count()) === 1, 'one account listed');
      for (const want of ['Café Lumière', 'Mastodon', attn.handle, L.revokedReason]) await expectText(items.first(), want);
      await shoot(page, lang, 'acc-11-attention-overview');
    });

    step('its button opens the client’s Accounts tab, where one click reconnects and the reminders go', async () => {
      await section().getByRole('button', { name: L.openAccounts('Café Lumière') }).click();
      await expectText(page.getByRole('heading', { level: 1 }), 'Café Lumière');
      await eventually(
        async () => (await main().getByRole('navigation').getByRole('button', { name: L.tab, exact: true }).getAttribute('aria-current')) === 'page',
        'the Accounts tab',
      );
      const row = main().getByRole('list', { name: L.list }).getByRole('listitem').filter({ hasText: mast.handle });
      await expectText(row, L.needsReconnect);
      await shoot(page, lang, 'acc-12-attention-accounts-tab');
      await row.getByRole('button', { name: L.reconnectNamed(mast.handle) }).click();
      await expectText(row, L.connected);
      await expectHidden(sidebar().locator('.attn'), 'the badge once reconnected');
      await sidebar().getByRole('button', { name: L.overviewNav, exact: true }).click();
      await expectVisible(main().getByRole('heading', { level: 1 }), 'the overview');
      assert.equal(await section().count(), 0, 'nothing needs attention any more');
      assert.deepEqual(S.pageErrors, []);
    });
  });
}

after(() => {
  if (timings.length) {
    const all = timings.map((t) => t.mean);
    console.log(
      `# Bluesky connect-to-first-verified-call against the real server: ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(0)} ms mean ` +
        `(${timings.map((t) => `${t.lang}: ${t.mean.toFixed(0)} ms, UI click→listed ${t.ui.toFixed(0)} ms`).join('; ')})`,
    );
  }
  console.log(`accounts e2e logs: ${LOGS}`);
});

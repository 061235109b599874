// End-to-end: publishing. A post with an image is scheduled to a Bluesky
// account on the REAL Bluesky server (scripts/pds) for one minute ahead;
// the user watches the client's Activity tab until it says published with
// a link to the live post, and the post is read back from the server.
// Then a Mastodon account (the fake instance) has its token revoked at the
// instance: the next post fails, the Activity tab explains why and offers
// to reconnect, and that button leads to the accounts.
//
// The account connection and the post are set up through the bound Go
// methods (the accounts and posts e2e files drive those screens); what is
// checked here is what the user sees of publishing.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  PDS,
  appReady,
  blueskyAccount,
  eventually,
  expectText,
  expectVisible,
  goCall,
  makePNG,
  shoot,
  useFakeMastodon,
  useBrowser,
  useScenario,
  stepper,
} from './harness.mjs';

useBrowser();

const UI = {
  fr: {
    locale: 'fr-FR',
    activity: 'Activité',
    published: 'Publié',
    failed: 'Échec',
    openLive: 'Ouvrir la publication en ligne',
    revoked: /Le réseau n’accepte plus la connexion de ce compte/,
    reconnect: 'Reconnecter le compte',
    reconnectNamed: (h) => `Reconnecter ${h}`,
    connected: 'Connecté',
    retryAll: /^Tout renvoyer pour /,
    accountsTab: 'Comptes',
    onBluesky: 'sur Bluesky',
    text: 'La vitrine de Noël est prête ✨ Passez nous voir #boulangerie',
    failText: 'Fermeture exceptionnelle lundi',
    passphrase: 'une phrase de passe assez longue',
    handText: 'Atelier galettes samedi matin',
    quitText: 'Dernière fournée à 19 h',
    handOff: 'Laisser Mastodon la publier à l’heure prévue',
    saved: 'Enregistré',
    heldBadge: 'Gardé par le réseau',
    quitTitle: /publications? (est|sont) prévues? dans l’heure/,
    handOver: 'Confier à Mastodon',
  },
  en: {
    locale: 'en-GB',
    activity: 'Activity',
    published: 'Published',
    failed: 'Failed',
    openLive: 'Open the live post',
    revoked: /The network no longer accepts this account’s connection/,
    reconnect: 'Reconnect the account',
    reconnectNamed: (h) => `Reconnect ${h}`,
    connected: 'Connected',
    retryAll: /^Retry all failed for /,
    accountsTab: 'Accounts',
    onBluesky: 'on Bluesky',
    text: 'Our Christmas window is ready ✨ Come and see us #bakery',
    failText: 'Closed on Monday',
    passphrase: 'a passphrase that is long enough',
    handText: 'Galette workshop on Saturday morning',
    quitText: 'Last batch at 7 pm',
    handOff: 'Let Mastodon publish it at its time',
    saved: 'Saved',
    heldBadge: 'Held by the network',
    quitTitle: /posts? (is|are) due within the hour/,
    handOver: 'Hand over to Mastodon',
  },
};

const fakeMastodon = useFakeMastodon({ pds: true });

/** schedule saves a post as scheduled, due in `seconds`. */
async function schedule(page, post, seconds) {
  const due = new Date(Date.now() + seconds * 1000).toISOString();
  return goCall(page, 'Posts', 'Save', { ...post, due, status: 'scheduled' });
}

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];
  // One language waits the full minute the issue names; the other a
  // shorter time, to keep the suite quick.
  const ahead = lang === 'fr' ? 60 : 20;

  describe(`publishing in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    const S = useScenario({ tag: `publish-${lang}`, locale: L.locale, env: { RELAIS_DEV_BROWSER: 'get' } });
    let page;
    let ws;
    let bsky;
    let bskyAccount;
    let mastAccount;
    const main = () => page.locator('main');
    const step = stepper(`${lang}-publish`, () => page);

    async function openActivity() {
      await page.getByRole('navigation', { name: /Navigation|Main/ }).getByRole('button', { name: 'Boulangerie Lune', exact: true }).click();
      await main().getByRole('navigation').getByRole('button', { name: L.activity, exact: true }).click();
      await expectVisible(main().getByRole('heading', { level: 2, name: L.activity }), 'the activity tab');
    }

    before(() => {
      page = S.page;
    });

    step('a client with a Bluesky and a Mastodon account, and a picture', async () => {
      await goCall(page, 'Vault', 'SetUpPassphrase', L.passphrase);
      ws = await goCall(page, 'Workspaces', 'Create', { name: 'Boulangerie Lune', timezone: 'Europe/Paris', language: lang });
      bsky = await blueskyAccount('pub');
      const [b] = await goCall(page, 'Accounts', 'ConnectBluesky', ws.id, PDS, bsky.handle, bsky.appPassword);
      bskyAccount = b;
      const [m] = await goCall(page, 'Accounts', 'ConnectMastodon', ws.id, fakeMastodon.url);
      mastAccount = m;
      assert.ok(bskyAccount?.id && mastAccount?.id, 'both accounts are connected');
      await page.reload();
      await appReady(page);
    });

    step(`a post with an image scheduled ${ahead} s ahead goes out, with a link`, async () => {
      const png = makePNG(640, [190, 120, 60]).toString('base64');
      await goCall(page, 'Library', 'ImportFiles', ws.id, [{ name: 'vitrine.png', data: png }]);
      const asset = await eventually(async () => {
        const res = await goCall(page, 'Library', 'Search', { workspaceId: ws.id, limit: 10 });
        return res.assets?.length === 1 ? res.assets[0] : false;
      }, 'the imported picture');
      const post = await goCall(page, 'Posts', 'Create', ws.id, {
        text: L.text,
        due: '',
        status: 'draft',
        accountIds: [bskyAccount.id],
        assetIds: [asset.id],
      });
      const planned = await schedule(page, post, ahead);
      assert.equal(planned.status, 'scheduled');
      const t0 = Date.now();

      await openActivity();
      const line = main().getByRole('listitem').filter({ hasText: L.onBluesky });
      await eventually(async () => (await line.count()) > 0 && (await line.first().innerText()).includes(L.published), 'published on Bluesky', (ahead + 60) * 1000);
      const waited = (Date.now() - t0) / 1000;
      assert.ok(waited >= ahead - 2, `published after ${waited.toFixed(1)} s, before it was due (${ahead} s)`);
      await expectVisible(line.first().getByRole('button', { name: L.openLive }), 'the link to the live post');
      await expectText(line.first(), L.text.slice(0, 20));

      // The post is on the server: once, with its image and alt text.
      const res = await fetch(`${PDS}/xrpc/com.atproto.repo.listRecords?repo=${bsky.did}&collection=app.bsky.feed.post`);
      const { records } = await res.json();
      assert.equal(records.length, 1, 'exactly one post on the server');
      assert.equal(records[0].value.text, L.text);
      assert.equal(records[0].value.embed?.images?.length, 1, 'with its image');
      assert.ok(records[0].value.facets?.some((f) => f.features.some((x) => x.$type === 'app.bsky.richtext.facet#tag')), 'the hashtag is a facet');
      const p = await goCall(page, 'Posts', 'Get', post.id);
      assert.equal(p.status, 'published');
      console.log(`# ${lang}: published ${waited.toFixed(1)} s after scheduling ${ahead} s ahead`);
      await shoot(page, lang, 'publish-01-published');
    });

    step('a revoked token: the failure is explained, with a reconnect button', async () => {
      await fetch(`${fakeMastodon.url}/_test/revoke`, { method: 'POST' });
      await mastodonPost(L.failText, 3);
      const line = main().getByRole('listitem').filter({ hasText: L.failText });
      await eventually(async () => (await line.count()) > 0 && (await line.first().innerText()).includes(L.failed), 'the failure', 60_000);
      await expectText(line.first(), L.revoked);
      await shoot(page, lang, 'publish-02-failed');
      await line.first().getByRole('button', { name: L.reconnect }).click();
      await eventually(
        async () =>
          (await main().getByRole('navigation').getByRole('button', { name: L.accountsTab, exact: true }).getAttribute('aria-current')) === 'page',
        'the accounts tab',
      );
    });

    step('reconnected, the failed post goes out with one click for the account', async () => {
      const handle = (await goCall(page, 'Accounts', 'List', ws.id)).find((a) => a.id === mastAccount.id).handle;
      await main().getByRole('button', { name: L.reconnectNamed(handle) }).click();
      await eventually(
        async () => (await goCall(page, 'Accounts', 'List', ws.id)).find((a) => a.id === mastAccount.id).state === 'connected',
        'the account connected again',
        20_000,
      );
      await main().getByRole('navigation').getByRole('button', { name: L.activity, exact: true }).click();
      const line = main().getByRole('listitem').filter({ hasText: L.failText });
      await line.first().getByRole('button', { name: L.retryAll }).click();
      await eventually(async () => (await line.first().innerText()).includes(L.published), 'the retried post published', 30_000);
      await shoot(page, lang, 'publish-03-retried');
      assert.deepEqual(S.pageErrors, [], 'no script error on the page');
    });

    /** held lists what the fake instance holds for later (scheduled_at). */
    const held = async () => (await fetch(`${fakeMastodon.url}/_test/scheduled`)).json();

    /** mastodonPost creates a post for the Mastodon account, scheduled `seconds` ahead. */
    async function mastodonPost(text, seconds) {
      const post = await goCall(page, 'Posts', 'Create', ws.id, { text, due: '', status: 'draft', accountIds: [mastAccount.id], assetIds: [] });
      await schedule(page, post, seconds);
      return post;
    }

    step('a Mastodon post handed to the instance from the editor: the instance holds it, the calendar says so', async () => {
      const before = (await held()).length;
      // Half an hour ahead: Mastodon takes posts due at least 5 minutes out.
      const post = await mastodonPost(L.handText, 30 * 60);
      await page.locator('#ws-tab-calendar').click();
      const chip = main().locator(`[data-id="${post.id}"]`).first();
      await expectVisible(chip, 'the post on the calendar');
      await chip.click();
      const editor = page.locator('dialog.editor');
      await expectVisible(editor, 'the post editor');
      const box = editor.getByRole('checkbox', { name: L.handOff });
      await box.check();
      await expectText(editor.locator('.save-state'), L.saved, 'the choice saved');
      await shoot(page, lang, 'publish-04-handoff-editor');
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'hidden' });
      const list = await eventually(async () => {
        const h = await held();
        return h.length === before + 1 ? h : false;
      }, 'the instance holding the post', 20_000);
      assert.ok(list.some((s) => s.params.text === L.handText), 'the instance holds the post’s text');
      const [job] = await goCall(page, 'Schedule', 'PostJobs', post.id);
      assert.equal(job.state, 'handed_off');
      await eventually(async () => ((await chip.getAttribute('aria-label')) ?? '').includes(L.heldBadge), 'the calendar badge', 10_000);
      await shoot(page, lang, 'publish-05-handoff-calendar');
    });

    step('quitting with a post due soon offers to hand it to Mastodon, and then quits', async () => {
      const before = (await held()).length;
      await mastodonPost(L.quitText, 40 * 60);
      // What the window's close button makes Go send (app/close.go).
      const dueSoon = await goCall(page, 'Schedule', 'DueSoon');
      assert.equal(dueSoon.handOff, 1, 'one post the instance could hold');
      await page.evaluate((d) => window.runtime.EventsEmit('app:close-requested', { unsaved: false, dueSoon: d }), dueSoon);
      const dlg = page.getByRole('alertdialog');
      await expectVisible(dlg, 'the quit warning');
      await expectText(dlg, L.quitTitle);
      await shoot(page, lang, 'publish-06-quit-handoff');
      assert.deepEqual(S.pageErrors, [], 'no script error on the page');
      await dlg.getByRole('button', { name: L.handOver }).click();
      // Everything is held by the instance: Relais quits by itself.
      await eventually(async () => S.backend.exitCode !== null, 'Relais quitting', 40_000);
      const list = await held();
      assert.equal(list.length, before + 1, 'the instance holds one more post');
      assert.ok(list.some((s) => s.params.text === L.quitText), 'the instance holds the post due soon');
    });
  });
}

// Campaigns end to end, in French then in English, against the real Go
// backend (dev build): a campaign created in the client's Campaigns tab
// with its dates and brief (an end before the start is refused on the
// field first), listed with its dates in the user's language and the
// client's zone, then edited; another campaign created from the post
// editor's "New campaign…", which the post is saved with; the client's
// labels suggested as one is typed; a campaign deleted after a
// confirmation that says its post stays in the plan. Screenshots in both
// languages, light and dark.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady,
  eventually,
  expectHidden,
  expectText,
  expectVisible,
  goCall,
  shoot,
  useBrowser,
  useScenario,
  stepper,
} from './harness.mjs';

useBrowser();

const UI = {
  fr: {
    locale: 'fr-FR',
    tab: 'Campagnes',
    calendarTab: 'Calendrier',
    empty: /Aucune campagne pour l’instant/,
    new: 'Nouvelle campagne',
    newTitle: 'Nouvelle campagne',
    editTitle: 'Modifier la campagne',
    name: 'Nom',
    start: 'Date de début',
    end: 'Date de fin',
    addBrief: 'Ajouter un brief',
    objective: 'Objectif',
    audience: 'Cible',
    keyMessage: 'Message clé',
    cta: 'Appel à l’action',
    deadline: 'Échéance',
    create: 'Créer la campagne',
    save: 'Enregistrer la campagne',
    nameEmpty: 'Donnez-lui un nom.',
    datesError: 'La campagne se termine avant de commencer.',
    spring: 'Printemps 2027',
    springRenamed: 'Lancement de printemps',
    brief: { objective: 'Faire connaître la carte', audience: 'Habitués du quartier', keyMessage: 'Des tartes de saison', cta: 'Réservez' },
    march: /^1\s*[–-]\s*31 mars 2027$/,
    marchToApril: /^1 mars\s*[–-]\s*15 avril 2027$/,
    noPosts: 'Aucune publication',
    onePost: '1\u00a0publication',
    withBrief: 'Brief\u00a0: Faire connaître la carte',
    edit: (n) => `Modifier ${n}`,
    remove: (n) => `Supprimer ${n}`,
    created: /Campagne «\s*Printemps 2027\s*» créée/,
    editorNew: 'Nouvelle campagne…',
    summer: 'Soldes d’été',
    campaign: 'Campagne',
    labels: 'Étiquettes',
    label: 'Lancement',
    saved: 'Enregistré',
    closeEditor: 'Fermer l’éditeur',
    confirmTitle: 'Supprimer «\u00a0Soldes d’été\u00a0»\u00a0?',
    confirmBody: /1\s+publication y est rattachée\s*: elle reste au planning, avec sa date, son texte et son statut, mais sans campagne\./,
    confirm: 'Supprimer la campagne',
    cancel: 'Annuler',
    deleted: /Campagne «\s*Soldes d’été\s*» supprimée/,
  },
  en: {
    locale: 'en-GB',
    tab: 'Campaigns',
    calendarTab: 'Calendar',
    empty: /No campaign yet/,
    new: 'New campaign',
    newTitle: 'New campaign',
    editTitle: 'Edit the campaign',
    name: 'Name',
    start: 'Start date',
    end: 'End date',
    addBrief: 'Add a brief',
    objective: 'Objective',
    audience: 'Audience',
    keyMessage: 'Key message',
    cta: 'Call to action',
    deadline: 'Deadline',
    create: 'Create the campaign',
    save: 'Save the campaign',
    nameEmpty: 'Give it a name.',
    datesError: 'The campaign ends before it starts.',
    spring: 'Spring 2027',
    springRenamed: 'Spring launch',
    brief: { objective: 'Make the menu known', audience: 'Neighbourhood regulars', keyMessage: 'Seasonal tarts', cta: 'Book a table' },
    march: /^1\s*[–-]\s*31 March 2027$/,
    marchToApril: /^1 March\s*[–-]\s*15 April 2027$/,
    noPosts: 'No post yet',
    onePost: '1 post',
    withBrief: 'Brief: Make the menu known',
    edit: (n) => `Edit ${n}`,
    remove: (n) => `Delete ${n}`,
    created: /Campaign “Spring 2027” created/,
    editorNew: 'New campaign…',
    summer: 'Summer sale',
    campaign: 'Campaign',
    labels: 'Labels',
    label: 'Launch',
    saved: 'Saved',
    closeEditor: 'Close the editor',
    confirmTitle: 'Delete “Summer sale”?',
    confirmBody: /1 post is in it: it stays in the plan, with its date, text and status, but without a campaign\./,
    confirm: 'Delete the campaign',
    cancel: 'Cancel',
    deleted: /Campaign “Summer sale” deleted/,
  },
};

for (const lang of (process.env.RELAIS_E2E_LANGS || 'fr,en').split(',')) {
  const L = UI[lang];

  describe(`Campaigns in ${lang === 'fr' ? 'French' : 'English'}`, { concurrency: false }, () => {
    // The client is in Paris, the machine in New York: days are Paris's.
    const S = useScenario({ tag: `campaigns-${lang}`, locale: L.locale, timezoneId: 'America/New_York', viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    let page;
    let ws;
    let postId;
    const main = () => page.locator('main');
    const tabs = () => page.getByRole('navigation', { name: new RegExp('Café Lumière') });
    const list = () => main().getByRole('list', { name: new RegExp('Café Lumière') });
    const item = (name) => list().getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
    const dialog = (name) => page.getByRole('dialog', { name, exact: true });
    const editor = () => page.locator('dialog.editor');
    const campaigns = () => goCall(page, 'Posts', 'Campaigns', ws.id);

    const step = stepper(`${lang}-campaigns`, () => page);

    /** closeNotices dismisses the notices, which a modal dialog would keep shoot() from closing. */
    async function closeNotices() {
      const closers = page.getByRole('status').getByRole('button');
      while ((await closers.count()) > 0) await closers.first().click();
    }

    async function openTab(name) {
      await page.getByRole('navigation').getByRole('button', { name: 'Café Lumière', exact: true }).click();
      await tabs().getByRole('button', { name, exact: true }).click();
    }

    before(async () => {
      page = S.page;
      ws = await goCall(page, 'Workspaces', 'Create', { name: 'Café Lumière', color: '#b45309', timezone: 'Europe/Paris', language: lang });
      // Two ideas: one to edit, one whose label the editor should suggest.
      const p = await goCall(page, 'Posts', 'Create', ws.id, {
        text: lang === 'fr' ? 'Nouvelle carte de printemps' : 'New spring menu',
        status: 'idea',
        accountIds: [],
        assetIds: [],
      });
      postId = p.id;
      const other = await goCall(page, 'Posts', 'Create', ws.id, { text: 'Teaser', status: 'idea', accountIds: [], assetIds: [] });
      await goCall(page, 'Posts', 'Save', { ...other, labels: [L.label] });
      await page.reload();
      await appReady(page);
    });

    step('a campaign is created in the Campaigns tab with its dates and brief', async () => {
      await openTab(L.tab);
      await expectText(main(), L.empty, 'the empty list');
      await main().getByRole('button', { name: L.new, exact: true }).click();
      const d = dialog(L.newTitle);
      await expectVisible(d, 'the new campaign dialog');
      // No name: said on the field, nothing sent.
      await d.getByRole('button', { name: L.create }).click();
      await expectText(d.getByRole('alert'), L.nameEmpty, 'the missing name');
      assert.equal(await d.getByLabel(L.name, { exact: true }).getAttribute('aria-invalid'), 'true');
      await d.getByLabel(L.name, { exact: true }).fill(L.spring);
      // An end before the start: said on the end date.
      await d.getByLabel(L.start, { exact: true }).fill('2027-03-10');
      await d.getByLabel(L.end, { exact: true }).fill('2027-03-01');
      await d.getByRole('button', { name: L.create }).click();
      await expectText(d.getByRole('alert'), L.datesError, 'the end before the start');
      assert.equal(await d.getByLabel(L.end, { exact: true }).getAttribute('aria-invalid'), 'true');
      await shoot(page, lang, 'campaigns-01-dates-error');
      assert.equal((await campaigns()).length, 0, 'nothing saved yet');
      await d.getByLabel(L.start, { exact: true }).fill('2027-03-01');
      await d.getByLabel(L.end, { exact: true }).fill('2027-03-31');
      await expectHidden(d.getByRole('alert'), 'the error gone once the dates are right');
      await d.getByRole('button', { name: L.addBrief }).click();
      await d.getByLabel(L.objective, { exact: true }).fill(L.brief.objective);
      await d.getByLabel(L.audience, { exact: true }).fill(L.brief.audience);
      await d.getByLabel(L.keyMessage, { exact: true }).fill(L.brief.keyMessage);
      await d.getByLabel(L.cta, { exact: true }).fill(L.brief.cta);
      await d.getByLabel(L.deadline, { exact: true }).fill('2027-02-20');
      await shoot(page, lang, 'campaigns-02-dialog');
      await d.getByRole('button', { name: L.create }).click();
      await expectHidden(d, 'the dialog closed');
      await expectText(page.getByRole('status').first(), L.created, 'the creation announced');
      const it = item(L.spring);
      await expectVisible(it, 'the campaign in the list');
      await expectText(it.locator('.dates'), L.march, 'its dates, in the user’s language and Paris days');
      await expectText(it, L.noPosts, 'no post yet');
      await expectText(it, L.withBrief, 'its brief');
      const [c] = await campaigns();
      assert.equal(c.name, L.spring);
      // Midnight in Paris, whatever the machine's zone.
      assert.equal(c.start, '2027-02-28T23:00:00Z');
      assert.equal(c.end, '2027-03-30T22:00:00Z');
      assert.equal(c.brief.objective, L.brief.objective);
      assert.equal(c.brief.audience, L.brief.audience);
      assert.equal(c.brief.keyMessage, L.brief.keyMessage);
      assert.equal(c.brief.callToAction, L.brief.cta);
      assert.equal(c.brief.deadline, '2027-02-20');
      await shoot(page, lang, 'campaigns-03-list');
    });

    step('the campaign is edited', async () => {
      await item(L.spring).getByRole('button', { name: L.edit(L.spring) }).click();
      const d = dialog(L.editTitle);
      await expectVisible(d, 'the edit dialog');
      assert.equal(await d.getByLabel(L.name, { exact: true }).inputValue(), L.spring);
      assert.equal(await d.getByLabel(L.start, { exact: true }).inputValue(), '2027-03-01');
      assert.equal(await d.getByLabel(L.end, { exact: true }).inputValue(), '2027-03-31');
      assert.equal(await d.getByLabel(L.objective, { exact: true }).inputValue(), L.brief.objective);
      await d.getByLabel(L.name, { exact: true }).fill(L.springRenamed);
      await d.getByLabel(L.end, { exact: true }).fill('2027-04-15');
      await d.getByRole('button', { name: L.save }).click();
      await expectHidden(d, 'the dialog closed');
      const it = item(L.springRenamed);
      await expectVisible(it, 'the renamed campaign');
      await expectText(it.locator('.dates'), L.marchToApril, 'its new dates');
      const list = await campaigns();
      assert.equal(list.length, 1, 'edited, not added');
      assert.equal(list[0].name, L.springRenamed);
      assert.equal(list[0].end, '2027-04-14T22:00:00Z');
      assert.equal(list[0].brief.audience, L.brief.audience, 'the brief kept');
    });

    step('the editor’s “New campaign…” creates a campaign and gives it to the post', async () => {
      await openTab(L.calendarTab);
      // The editor is modal: the notices behind it could not be closed for the screenshots.
      await closeNotices();
      const chip = main().locator(`[data-id="${postId}"]`).first();
      await expectVisible(chip, 'the idea in the tray');
      await chip.click();
      await expectVisible(editor(), 'the editor');
      await expectText(editor().locator('.save-state'), L.saved, 'the post loaded');
      await editor().getByRole('button', { name: L.editorNew }).click();
      const d = dialog(L.newTitle);
      await expectVisible(d, 'the campaign dialog over the editor');
      await d.getByLabel(L.name, { exact: true }).fill(L.summer);
      await shoot(page, lang, 'campaigns-04-from-editor');
      await d.getByRole('button', { name: L.create }).click();
      await expectHidden(d, 'the dialog closed');
      const summer = await eventually(async () => (await campaigns()).find((c) => c.name === L.summer) ?? false, 'the new campaign in Go');
      assert.equal(await editor().getByLabel(L.campaign, { exact: true }).inputValue(), summer.id, 'the select shows it');
      await eventually(async () => (await goCall(page, 'Posts', 'Get', postId)).campaignId === summer.id, 'the post saved with the campaign');
      await expectText(editor().locator('.save-state'), L.saved, 'saved');
      await shoot(page, lang, 'campaigns-05-editor-assigned');
    });

    step('the client’s labels are suggested as one is typed', async () => {
      // With suggestions, the field is a combobox (an input with a list).
      const input = editor().getByRole('combobox', { name: L.labels, exact: true });
      await input.scrollIntoViewIfNeeded();
      await input.click();
      await input.pressSequentially(L.label.slice(0, 3));
      const offered = await input.evaluate((el) => [...(el.list?.options ?? [])].map((o) => o.value));
      assert.deepEqual(offered, [L.label], 'the existing label is offered');
      await shoot(page, lang, 'campaigns-06-label-typed');
      // Picking a suggestion puts it in the field without typing, and it
      // becomes a chip at once. Headless Chromium opens no list to pick
      // from, so the pick is what Chromium sends: an input event that is
      // not typing.
      await input.evaluate((el, v) => {
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, L.label);
      await expectVisible(editor().getByRole('list', { name: L.labels }).getByText(L.label, { exact: true }), 'the label as a chip');
      // Nothing left to suggest: a plain text field again, emptied.
      const field = editor().getByRole('textbox', { name: L.labels, exact: true });
      assert.equal(await field.inputValue(), '', 'the field emptied');
      await eventually(async () => {
        const p = await goCall(page, 'Posts', 'Get', postId);
        assert.deepEqual(p.labels, [L.label]);
        return true;
      }, 'the post saved with the label');
      // Once on the post, the label is no longer offered.
      assert.equal(await field.getAttribute('list'), null);
      await editor().getByRole('button', { name: L.closeEditor }).click();
      await expectHidden(editor(), 'the editor closed');
    });

    step('a campaign is deleted after a confirmation that says what becomes of its post', async () => {
      await openTab(L.tab);
      const it = item(L.summer);
      await expectText(it, L.onePost, 'the campaign has the post');
      await closeNotices();
      await it.getByRole('button', { name: L.remove(L.summer) }).click();
      const confirm = page.getByRole('alertdialog', { name: L.confirmTitle });
      await expectVisible(confirm, 'the confirmation');
      await expectText(confirm, L.confirmBody, 'what becomes of the post');
      await shoot(page, lang, 'campaigns-07-confirm-delete');
      // Cancel keeps it.
      await confirm.getByRole('button', { name: L.cancel }).click();
      await expectHidden(confirm, 'cancelled');
      assert.equal((await campaigns()).length, 2);
      await it.getByRole('button', { name: L.remove(L.summer) }).click();
      await confirm.getByRole('button', { name: L.confirm }).click();
      await expectHidden(confirm, 'confirmed');
      await expectText(page.getByRole('status').first(), L.deleted, 'the delete announced');
      await expectHidden(it, 'the campaign gone from the list');
      const left = await campaigns();
      assert.deepEqual(left.map((c) => c.name), [L.springRenamed]);
      const p = await goCall(page, 'Posts', 'Get', postId);
      assert.equal(p.campaignId, '', 'the post stays, without a campaign');
      assert.deepEqual(p.labels, [L.label], 'and keeps the rest');
      await shoot(page, lang, 'campaigns-08-after-delete');
      assert.deepEqual(S.pageErrors, []);
    });
  });
}

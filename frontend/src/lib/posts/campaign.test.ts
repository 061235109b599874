import { describe, expect, it } from 'vitest';
import { briefIsEmpty, campaignOf, checkDraft, dayOf, draftOf, instantOf, periodOf, type CampaignDraft } from './campaign';
import { emptyBrief, type Campaign } from './model';

const PARIS = 'Europe/Paris';
const plain = (s: string) => s.replace(/[\u00a0\u202f\u2009]/g, ' ');

const draft = (over: Partial<CampaignDraft> = {}): CampaignDraft => ({
  id: '',
  workspaceId: 'w1',
  name: 'Printemps',
  color: '#16a34a',
  start: '2027-03-01',
  end: '2027-03-31',
  brief: null,
  ...over,
});

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 'c1',
  workspaceId: 'w1',
  name: 'Printemps',
  color: '#16a34a',
  start: '2027-02-28T23:00:00Z',
  end: '2027-03-30T22:00:00Z',
  brief: null,
  posts: 3,
  ...over,
});

describe('campaign days and instants', () => {
  it('keeps a day as the instant it starts in the client’s zone', () => {
    expect(instantOf('2027-03-01', PARIS)).toBe('2027-02-28T23:00:00Z');
    // Summer time: Paris is two hours ahead.
    expect(instantOf('2027-07-14', PARIS)).toBe('2027-07-13T22:00:00Z');
    expect(instantOf('2027-03-01', 'America/New_York')).toBe('2027-03-01T05:00:00Z');
    expect(instantOf('', PARIS)).toBe('');
    expect(instantOf('1 mars', PARIS)).toBe('');
  });

  it('reads the day back in the same zone, whatever the machine', () => {
    for (const day of ['2027-03-01', '2027-03-28', '2027-10-31', '2027-12-31']) {
      expect(dayOf(instantOf(day, PARIS), PARIS)).toBe(day);
      expect(dayOf(instantOf(day, 'Pacific/Auckland'), 'Pacific/Auckland')).toBe(day);
    }
    expect(dayOf('', PARIS)).toBe('');
    expect(dayOf('not a date', PARIS)).toBe('');
  });

  it('round-trips a campaign through its draft', () => {
    const c = campaign({ brief: { ...emptyBrief(), objective: 'Notoriété', deadline: '2027-02-15' } });
    const d = draftOf(c, 'w1', PARIS);
    expect(d).toMatchObject({ id: 'c1', start: '2027-03-01', end: '2027-03-31' });
    expect(campaignOf(d, PARIS)).toEqual({ ...c, posts: 0 });
    // The draft's brief is a copy: editing it leaves the campaign alone.
    d.brief!.objective = 'Ventes';
    expect(c.brief!.objective).toBe('Notoriété');
  });

  it('starts a new campaign with a colour the others do not use', () => {
    const d = draftOf(null, 'w1', PARIS, [campaign({ color: '#4f46e5' })]);
    expect(d).toMatchObject({ id: '', workspaceId: 'w1', name: '', start: '', end: '', brief: null });
    expect(d.color).toBe('#0891b2');
  });

  it('sends an empty brief as none, and trims the name', () => {
    expect(briefIsEmpty(null)).toBe(true);
    expect(briefIsEmpty({ ...emptyBrief(), audience: '  ' })).toBe(true);
    expect(briefIsEmpty({ ...emptyBrief(), audience: 'Parisiens' })).toBe(false);
    const c = campaignOf(draft({ name: '  Printemps ', brief: emptyBrief(), start: '', end: '' }), PARIS);
    expect(c).toMatchObject({ name: 'Printemps', brief: null, start: '', end: '' });
  });
});

describe('checkDraft', () => {
  it('accepts a campaign with a name, with or without dates', () => {
    expect(checkDraft(draft())).toBeNull();
    expect(checkDraft(draft({ start: '', end: '' }))).toBeNull();
    expect(checkDraft(draft({ end: '' }))).toBeNull();
    // A one-day campaign ends the day it starts.
    expect(checkDraft(draft({ end: '2027-03-01' }))).toBeNull();
  });

  it('asks for a name, as Go would', () => {
    const e = checkDraft(draft({ name: '   ' }));
    expect(e?.code).toBe('post.nameEmpty');
    expect(e?.field).toBe('name');
  });

  it('refuses an end before the start, on the end field', () => {
    const e = checkDraft(draft({ start: '2027-03-10', end: '2027-03-09' }));
    expect(e?.code).toBe('post.campaignDates');
    expect(e?.field).toBe('end');
    // Across a year: text order is date order.
    expect(checkDraft(draft({ start: '2027-12-31', end: '2028-01-01' }))).toBeNull();
  });

  it('refuses a date that is not a day', () => {
    expect(checkDraft(draft({ start: '2027-3-1' }))?.field).toBe('start');
  });
});

describe('periodOf', () => {
  it('says a range in the user’s language, in the client’s zone', () => {
    expect(periodOf(campaign(), 'en', PARIS)).toEqual({ key: 'range', date: expect.any(String) });
    expect(plain(periodOf(campaign(), 'en', PARIS).date)).toMatch(/^1\s?[–-]\s?31 March 2027$/);
    expect(plain(periodOf(campaign(), 'fr', PARIS).date)).toMatch(/^1\s?[–-]\s?31 mars 2027$/);
    // Seen from UTC, the first day would be 28 February: the zone matters.
    expect(plain(periodOf(campaign(), 'en', 'UTC').date)).toContain('28 February');
  });

  it('says one day once', () => {
    const one = campaign({ end: '2027-02-28T23:00:00Z' });
    expect(plain(periodOf(one, 'fr', PARIS).date)).toBe('1 mars 2027');
  });

  it('names an open side, or none', () => {
    expect(periodOf(campaign({ end: '' }), 'en', PARIS)).toEqual({ key: 'from', date: '1 March 2027' });
    expect(periodOf(campaign({ start: '' }), 'fr', PARIS)).toEqual({ key: 'until', date: '31 mars 2027' });
    expect(periodOf(campaign({ start: '', end: '' }), 'en', PARIS)).toEqual({ key: 'none', date: '' });
  });
});

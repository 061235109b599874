import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dayKey,
  daysBetween,
  firstDayOfWeek,
  hhmm,
  minuteOfDay,
  monthGrid,
  moveToDay,
  parseHHMM,
  rangeOf,
  snap,
  toISO,
  weekDays,
  weekday,
  zonedInstant,
} from './time';

describe('day keys', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(daysBetween('2027-03-01', '2027-04-01')).toBe(31);
  });
  it('knows the weekday', () => {
    expect(weekday('2027-03-28')).toBe(0); // a Sunday
    expect(weekday('2026-11-23')).toBe(1);
  });
  it('moves by months from any day', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-01');
    expect(addMonths('2027-01-15', -1)).toBe('2026-12-01');
    expect(addMonths('2027-12-15', 13)).toBe('2029-01-01');
  });
});

describe('instants in a workspace zone', () => {
  it('reads the civil day and time in the zone, not the machine', () => {
    const at = new Date('2027-03-27T23:30:00Z');
    expect(dayKey(at, 'Europe/Paris')).toBe('2027-03-28');
    expect(dayKey(at, 'America/New_York')).toBe('2027-03-27');
    expect(minuteOfDay(at, 'Australia/Sydney')).toBe(10 * 60 + 30);
  });

  const cases: [string, string, number, string][] = [
    // zone, day, minute, instant
    ['Europe/Paris', '2027-03-27', 18 * 60, '2027-03-27T17:00:00Z'],
    ['Europe/Paris', '2027-03-28', 18 * 60, '2027-03-28T16:00:00Z'], // after the spring jump
    ['Europe/Paris', '2027-03-28', 2 * 60 + 30, '2027-03-28T01:30:00Z'], // skipped: 03:30 CEST
    ['Europe/Paris', '2027-10-31', 2 * 60 + 30, '2027-10-31T00:30:00Z'], // twice: the first
    ['Europe/Paris', '2027-10-31', 18 * 60, '2027-10-31T17:00:00Z'],
    ['America/New_York', '2027-03-14', 2 * 60 + 30, '2027-03-14T07:30:00Z'],
    ['America/New_York', '2027-03-14', 9 * 60, '2027-03-14T13:00:00Z'],
    ['America/New_York', '2027-11-07', 9 * 60, '2027-11-07T14:00:00Z'],
    ['Australia/Sydney', '2027-04-04', 9 * 60, '2027-04-03T23:00:00Z'], // AEST after April's change
    ['Australia/Sydney', '2027-10-03', 9 * 60, '2027-10-02T22:00:00Z'], // AEDT
    ['Asia/Kolkata', '2027-01-10', 0, '2027-01-09T18:30:00Z'],
    ['UTC', '2027-06-01', 23 * 60 + 45, '2027-06-01T23:45:00Z'],
  ];
  for (const [zone, day, minute, want] of cases) {
    it(`zonedInstant(${day} ${hhmm(minute)}, ${zone}) = ${want}`, () => {
      expect(toISO(zonedInstant(day, minute, zone))).toBe(want);
    });
  }

  it('keeps the wall-clock time when a post moves across a daylight-saving change', () => {
    // Tuesday 18:00 in Paris, moved to the Tuesday after the change.
    expect(moveToDay('2027-03-23T17:00:00Z', 'Europe/Paris', '2027-03-30')).toBe('2027-03-30T16:00:00Z');
    expect(moveToDay('2027-10-26T16:00:00Z', 'Europe/Paris', '2027-11-02')).toBe('2027-11-02T17:00:00Z');
  });
});

describe('weeks and months', () => {
  it('starts weeks on Monday in French and on Sunday in US English', () => {
    expect(firstDayOfWeek('fr-FR')).toBe(1);
    expect(firstDayOfWeek('en-US')).toBe(0);
    expect(firstDayOfWeek('en-GB')).toBe(1);
  });
  it('lays a month out in whole weeks', () => {
    const mon = monthGrid('2027-03-15', 1);
    expect(mon[0][0]).toBe('2027-03-01');
    expect(mon.at(-1)!.at(-1)).toBe('2027-04-04');
    expect(mon.length).toBe(5);
    const sun = monthGrid('2027-03-15', 0);
    expect(sun[0][0]).toBe('2027-02-28');
    expect(sun.flat().filter((k) => k.startsWith('2027-03')).length).toBe(31);
    // A 31-day month starting on a Sunday needs six Monday-first weeks.
    expect(monthGrid('2026-03-01', 1).length).toBe(6);
  });
  it('gives the seven days of a week', () => {
    expect(weekDays('2027-03-28', 1)).toEqual([
      '2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-27', '2027-03-28',
    ]);
    expect(weekDays('2027-03-28', 0)[0]).toBe('2027-03-28');
  });
  it('asks Go for a range wide enough for any zone', () => {
    expect(rangeOf('2027-03-01', '2027-04-04')).toEqual({ from: '2027-02-28T00:00:00Z', to: '2027-04-06T00:00:00Z' });
  });
});

describe('slots and snapping', () => {
  it('snaps to 15 minutes inside the day', () => {
    expect(snap(7)).toBe(0);
    expect(snap(8)).toBe(15);
    expect(snap(1439)).toBe(1425);
    expect(snap(-20)).toBe(0);
  });
  it('reads and writes HH:MM', () => {
    expect(parseHHMM('18:00')).toBe(1080);
    expect(parseHHMM('24:00')).toBe(-1);
    expect(parseHHMM('9:00')).toBe(-1);
    expect(hhmm(545)).toBe('09:05');
  });
});

describe('the per-day offset cache', () => {
  // An independent reading of the wall clock, straight from Intl.
  const intl = (ms: number, zone: string) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(new Date(ms))
        .map((x) => [x.type, x.value]),
    );
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
  const spans: [string, string][] = [
    ['Europe/Paris', '2027-03-27T00:00:00Z'],
    ['Europe/Paris', '2027-10-30T00:00:00Z'],
    ['America/New_York', '2027-03-13T12:00:00Z'],
    ['Australia/Sydney', '2027-04-03T00:00:00Z'],
    ['Australia/Lord_Howe', '2027-04-03T00:00:00Z'], // a 30-minute change
    ['Asia/Kathmandu', '2027-01-01T00:00:00Z'],
  ];
  for (const [zone, start] of spans) {
    it(`agrees with Intl every 15 minutes for three days in ${zone}`, () => {
      const t0 = Date.parse(start);
      for (let ms = t0; ms < t0 + 3 * 86_400_000; ms += 15 * 60_000) {
        const at = new Date(ms);
        expect(`${dayKey(at, zone)} ${hhmm(minuteOfDay(at, zone))}`).toBe(intl(ms, zone));
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { AppError, fieldKey, keepErrorObject, toAppError } from './errors';

describe('toAppError', () => {
  const cases: [string, unknown, { code: string; field?: string; info?: Record<string, unknown> }][] = [
    ['a UIError object', { code: 'workspace.nameTaken', field: 'name', info: { name: 'Lumière' } }, { code: 'workspace.nameTaken', field: 'name', info: { name: 'Lumière' } }],
    ['an object without field or info', { code: 'store.locked' }, { code: 'store.locked', field: '', info: {} }],
    ['an Error whose message is the JSON', new Error('{"code":"workspace.invalidColor","field":"color","info":{"value":"#zz"}}'), { code: 'workspace.invalidColor', field: 'color', info: { value: '#zz' } }],
    ['a JSON string', '{"code":"app.badFile"}', { code: 'app.badFile', field: '' }],
    ['a plain string', 'error parsing arguments: json: cannot unmarshal', { code: 'internal', field: '' }],
    ["Wails' [object Object]", new Error('[object Object]'), { code: 'internal' }],
    ['a timeout Error', new Error('Call to method app.Workspaces.List timed out'), { code: 'internal' }],
    ['null', null, { code: 'internal' }],
    ['undefined', undefined, { code: 'internal' }],
    ['a number', 42, { code: 'internal' }],
    ['an object with a non-code', { code: 'DROP TABLE; --' }, { code: 'internal' }],
    ['an object with a numeric code', { code: 500 }, { code: 'internal' }],
    ['info that is not an object', { code: 'store.closed', info: 'x' }, { code: 'store.closed', info: {} }],
    ['broken JSON', '{"code":', { code: 'internal' }],
  ];
  it.each(cases)('reads %s', (_, input, want) => {
    const e = toAppError(input);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe(want.code);
    if (want.field !== undefined) expect(e.field).toBe(want.field);
    if (want.info !== undefined) expect(e.info).toEqual(want.info);
  });

  it('returns an AppError as it is', () => {
    const e = new AppError('workspace.notFound');
    expect(toAppError(e)).toBe(e);
  });

  it('keeps what it could not read as the cause, for the log', () => {
    const raw = new Error('boom');
    expect(toAppError(raw).cause).toBe(raw);
  });
});

describe('fieldKey', () => {
  it.each([
    ['name', 'name'],
    ['pillars.2.target', 'pillars.2.target'],
    ['pillars[2].target', 'pillars.2.target'],
    ['brandKit.colors', 'brandKit.colors'],
  ])('%s -> %s', (input, want) => expect(fieldKey(input)).toBe(want));
});

describe('keepErrorObject', () => {
  // What Wails v2.16's runtime does with a callback message.
  function wailsReject(message: string): unknown {
    const m = JSON.parse(message);
    return m.error instanceof Error ? m.error : new Error(m.error);
  }

  it('lets a structured Go error survive the Wails runtime', () => {
    const msg = JSON.stringify({ callbackid: 'x-1', error: { code: 'workspace.nameEmpty', field: 'name' } });
    expect(toAppError(wailsReject(msg)).code).toBe('internal'); // what happens without it
    const e = toAppError(wailsReject(keepErrorObject(msg)));
    expect(e.code).toBe('workspace.nameEmpty');
    expect(e.field).toBe('name');
  });

  it('passes a result through without reading it', () => {
    // As Go writes it: the result, then the error.
    const ok = '{"result":[{"error":{"code":"x"}}],"error":null,"callbackid":"x-4"}';
    expect(keepErrorObject(ok)).toBe(ok);
    const err = '{"result":null,"error":{"code":"store.locked"},"callbackid":"x-5"}';
    expect(toAppError(wailsReject(keepErrorObject(err))).code).toBe('store.locked');
  });

  it('leaves results, string errors and non-JSON alone', () => {
    const ok = JSON.stringify({ callbackid: 'x-2', result: { error: 'not an error' } });
    expect(keepErrorObject(ok)).toBe(ok);
    const str = JSON.stringify({ callbackid: 'x-3', error: '{"code":"store.locked"}' });
    expect(keepErrorObject(str)).toBe(str);
    expect(keepErrorObject('{"error": nope')).toBe('{"error": nope');
  });
});

// The one error type the UI deals with. Go rejects a bound call with a
// UIError {code, field?, info?} (app/errors.go), but what reaches the page
// depends on the path it took: the object itself, an Error whose message
// is that object as JSON, a plain string, or something unrelated (a
// timeout, a dropped connection). toAppError turns all of them into an
// AppError; anything it cannot read becomes code "internal".

export type ErrorInfo = Record<string, unknown>;

export class AppError extends Error {
  readonly code: string;
  /** The field the error is about ("name", "pillars.2.target"…), or "". */
  readonly field: string;
  /** Values the translated sentence may show (max, name, file, value…). */
  readonly info: ErrorInfo;

  constructor(code: string, field = '', info: ErrorInfo = {}, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
    this.info = info;
  }
}

/** Codes look like "workspace.nameTaken", "store.locked" or "internal". */
const CODE = /^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromRecord(r: Record<string, unknown>, cause: unknown): AppError | null {
  if (typeof r.code !== 'string' || !CODE.test(r.code)) return null;
  const field = typeof r.field === 'string' ? r.field : '';
  const info = isRecord(r.info) ? { ...r.info } : {};
  return new AppError(r.code, field, info, { cause });
}

function fromText(s: string, cause: unknown): AppError | null {
  const t = s.trim();
  if (t.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (isRecord(parsed)) return fromRecord(parsed, cause);
    } catch {
      // not JSON: fall through
    }
  }
  return null;
}

/** toAppError normalises anything a rejected promise may carry. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  let found: AppError | null = null;
  if (e instanceof Error) {
    found = fromText(e.message, e);
  } else if (typeof e === 'string') {
    found = fromText(e, e);
  } else if (isRecord(e)) {
    found = fromRecord(e, e);
  }
  return found ?? new AppError('internal', '', {}, { cause: e });
}

/**
 * fieldKey maps a Go field path to the form's element key: Go says
 * "pillars.2.target"; older spellings like "pillars[2].target" are read the
 * same way.
 */
export function fieldKey(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

/**
 * keepErrorObject rewrites one Wails callback message so a structured error
 * survives the runtime. Wails v2.16's runtime rejects with
 * `new Error(message.error)`, which turns the UIError object Go sends into
 * "[object Object]"; sending it on as JSON text keeps it readable by
 * toAppError. Messages without an object error pass through unchanged, so
 * this is a no-op once Go formats errors as JSON strings itself.
 */
export function keepErrorObject(message: string): string {
  // Go writes the result first and sets it only when there is no error: a
  // message with a result is returned as is, unparsed (a month of the
  // calendar is a few hundred kilobytes, and Wails parses it again).
  if (message.startsWith('{"result":') && !message.startsWith('{"result":null')) return message;
  if (!message.includes('"error"')) return message;
  try {
    const m: unknown = JSON.parse(message);
    if (isRecord(m) && isRecord(m.error)) {
      return JSON.stringify({ ...m, error: JSON.stringify(m.error) });
    }
  } catch {
    // not ours to judge: let Wails report it
  }
  return message;
}

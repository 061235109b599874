// Shared end-to-end harness: the real Go backend (dev build) on a fresh
// data folder, Debian's headless Chromium, and helpers that wait for what a
// person would see. Each e2e/*.test.mjs file imports it; scripts/e2e runs
// them one after another under one X server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..');
export const DEVAPP = process.env.RELAIS_DEVAPP || path.join(ROOT, 'devapp');
export const CHROMIUM = process.env.RELAIS_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.RELAIS_SCREENSHOTS || path.join(HERE, 'screenshots');
export const LOGS = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-e2e-logs-'));

fs.mkdirSync(SHOTS, { recursive: true });



export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the backend did not listen on ${port} within ${ms} ms`);
}

const running = new Set();

/** startBackend runs the real Go app (dev build) on a data folder. */
export async function startBackend(dataDir, port, tag, extraEnv = {}) {
  const log = fs.openSync(path.join(LOGS, `${tag}.log`), 'a');
  const child = spawn(DEVAPP, [], {
    cwd: ROOT,
    // No session bus unless a test brings one: GTK would otherwise start a
    // dbus-daemon (and the keyring check a gnome-keyring-daemon) that
    // outlive the run, and the vault stays in passphrase mode.
    env: {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'disabled:',
      devserver: `127.0.0.1:${port}`,
      RELAIS_DATA_DIR: dataDir,
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const died = once(child, 'exit').then(([code, sig]) => {
    throw new Error(`the backend exited early (code ${code}, signal ${sig}); see ${LOGS}/${tag}.log`);
  });
  await Promise.race([waitForPort(port, 30_000), died]);
  died.catch(() => {});
  return child;
}

/** stopBackend sends SIGTERM and waits for a clean exit. */
export async function stopBackend(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code, sig] = await exited;
  clearTimeout(timer);
  assert.notEqual(sig, 'SIGKILL', 'the backend did not stop within 15 s of SIGTERM');
  return { code, sig };
}

export async function eventually(fn, what, ms = 8000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false) return v;
      last = new Error(`${what}: still false`);
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${last?.message ?? last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function expectText(locator, want, what) {
  await eventually(async () => {
    const text = (await locator.innerText()).trim();
    if (want instanceof RegExp ? want.test(text) : text.includes(want)) return true;
    throw new Error(`got ${JSON.stringify(text)}, want ${want}`);
  }, what ?? String(want));
}

export async function expectVisible(locator, what) {
  await locator.waitFor({ state: 'visible', timeout: 8000 }).catch((e) => {
    throw new Error(`${what ?? locator}: not visible (${e.message.split('\n')[0]})`);
  });
}

export async function expectHidden(locator, what) {
  await locator.waitFor({ state: 'hidden', timeout: 8000 }).catch((e) => {
    throw new Error(`${what ?? locator}: still visible (${e.message.split('\n')[0]})`);
  });
}

/**
 * go calls a bound Go method from the page: the backend's own view of the
 * data. A call that never answers fails after a minute instead of holding
 * the run: Wails recovers a panic in a bound method, logs it and never
 * calls back, so without this a backend bug looks like a hung CI.
 */
export function goCall(page, facade, method, ...args) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Go call ${facade}.${method} did not answer within 60 s (a panic in the backend? see its log)`)),
      60_000,
    );
  });
  const call = page.evaluate(([f, m, a]) => window.go.app[f][m](...a), [facade, method, args]);
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}

// A real PNG (solid colour with a lighter square), encoded here.
export function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
export function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
export function makePNG(size, [r, g, b]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const inner = x > size / 4 && x < (size * 3) / 4 && y > size / 4 && y < (size * 3) / 4;
      row[1 + x * 3] = inner ? 255 : r;
      row[2 + x * 3] = inner ? 236 : g;
      row[3 + x * 3] = inner ? 200 : b;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------- the browser

/** The shared browser, launched by useBrowser's before hook. */
export let browser;
export const shots = [];

/** useBrowser registers the hooks that launch Chromium and clean up after a test file. */
export function useBrowser() {
before(async () => {
  assert.ok(fs.existsSync(DEVAPP), `${DEVAPP} is missing: build it with go build -tags dev,webkit2_41 -o devapp .`);
  assert.ok(process.env.DISPLAY, 'DISPLAY is not set: run under xvfb-run (scripts/e2e does)');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  for (const child of running) child.kill('SIGKILL');
  console.log(`\nscreenshots (${shots.length}): ${SHOTS}`);
  console.log(`backend logs: ${LOGS}`);
});
}

/**
 * shoot saves the page in light and dark, once the notices are closed;
 * keepNotices leaves them (closing them is a click, which moves the focus a
 * keyboard-only scenario is checking).
 */
export async function shoot(page, lang, name, { keepNotices = false } = {}) {
  const closers = page.getByRole('status').getByRole('button');
  while (!keepNotices && (await closers.count()) > 0) await closers.first().click();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(120);
    const file = path.join(SHOTS, `${lang}-${name}-${scheme}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// ---------- the scenario, once per language

// ---------- the real Bluesky server (scripts/pds) and the fake Mastodon instance

/** PDS is the real Bluesky server's URL (scripts/e2e starts one when unset). */
export const PDS = (process.env.RELAIS_PDS_URL || '').replace(/\/+$/, '');

/** xrpc calls a procedure on the Bluesky server. */
export async function xrpc(nsid, body, bearer) {
  const res = await fetch(`${PDS}/xrpc/${nsid}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${nsid}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

/** blueskyAccount creates an account on the Bluesky server and an app password for Relais. */
export async function blueskyAccount(prefix = 'r') {
  const name = prefix + crypto.randomBytes(5).toString('hex');
  const created = await xrpc('com.atproto.server.createAccount', {
    handle: `${name}.test`,
    email: `${name}@example.com`,
    password: 'pw-' + crypto.randomBytes(12).toString('hex'),
  });
  const app = await xrpc('com.atproto.server.createAppPassword', { name: 'Relais' }, created.accessJwt);
  return { handle: created.handle, did: created.did, appPassword: app.password };
}

/**
 * startFakeMastodon builds and starts mastodontest's fake instance in its
 * own process; it resolves to { url, stop }.
 */
export async function startFakeMastodon() {
  return startFake('./backend/network/mastodon/mastodontest/fakemastodon');
}

/**
 * startFake builds and starts a fake network server command (it prints its
 * URL on its first line); it resolves to { url, stop }.
 */
export async function startFake(pkg) {
  const bin = path.join(os.tmpdir(), `relais-e2e-${path.basename(pkg)}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  execFileSync('go', ['build', '-o', bin, pkg], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = readline.createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    rl.once('line', (l) => resolve(l.trim()));
    child.once('exit', (c) => reject(new Error(`${path.basename(pkg)} exited (${c})`)));
  });
  fs.rmSync(bin, { force: true });
  return { url, stop: () => child.kill('SIGTERM') };
}

/**
 * stepper returns step(name, fn): a test of a scenario whose steps build on
 * each other, so once one fails the rest are skipped (saying after which),
 * and the failing page is saved as <prefix>-FAILED-<step>.png in SHOTS.
 * page() gives the scenario's current page.
 */
export function stepper(prefix, page) {
  let broken = '';
  return (name, fn) =>
    test(name, async (t) => {
      if (broken) return t.skip(`after the failure of "${broken}"`);
      try {
        await fn(t);
      } catch (e) {
        broken = name;
        await page()
          ?.screenshot({ path: path.join(SHOTS, `${prefix}-FAILED-${name.replace(/\W+/g, '-').slice(0, 40)}.png`) })
          .catch(() => {});
        throw e;
      }
    });
}

/**
 * useScenario registers the hooks of one scenario (a describe block): a
 * fresh data folder, the backend on its own port (with extra env), a
 * browser context in the user's locale and timezone (env may be a
 * function, read when the scenario starts: a fake server's URL), and a page on the
 * app once its bindings are there; all torn down after. It returns an
 * object whose fields are filled by the time the first test runs:
 * { page, context, backend, port, dataDir, pageErrors, url() }. Script
 * errors of the page (not the Wails dev runtime's own) land in pageErrors.
 * With backend: false the scenario starts its own backends (another way, or
 * only in a step): the page stays blank, and S.backend, if the scenario sets
 * it to a handle with a stop() method, is stopped with it.
 */
export function useScenario({ tag, locale, timezoneId = 'Europe/Paris', viewport = { width: 1200, height: 800 }, colorScheme, env = {}, backend = true }) {
  const s = { page: null, context: null, backend: null, port: 0, dataDir: '', pageErrors: [] };
  s.url = () => `http://127.0.0.1:${s.port}/`;
  before(async () => {
    s.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-e2e-${tag}-`));
    if (backend) {
      s.port = await freePort();
      s.backend = await startBackend(s.dataDir, s.port, tag, typeof env === 'function' ? env() : env);
    }
    s.context = await browser.newContext({ locale, timezoneId, viewport, ...(colorScheme ? { colorScheme } : {}) });
    s.context.setDefaultTimeout(8000);
    s.page = await s.context.newPage();
    s.page.on('pageerror', (e) => {
      if (!String(e.stack).includes('/wails/')) s.pageErrors.push(e);
    });
    if (!backend) return;
    await s.page.goto(s.url());
    await appReady(s.page);
  });
  after(async () => {
    await s.context?.close();
    if (s.backend) await (s.backend.stop ? s.backend.stop() : stopBackend(s.backend)).catch(() => {});
    if (s.dataDir) fs.rmSync(s.dataDir, { recursive: true, force: true });
  });
  return s;
}

/** appReady waits until the page's Go bindings are there (after a load or reload). */
export async function appReady(page) {
  await page.waitForFunction(() => !!window.go?.app?.Schedule, null, { timeout: 20_000 });
}

/** wallClock is an instant's wall-clock day and time in zone: ["2026-11-11", "18:00"]. */
export function wallClock(iso, zone) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return [`${p.year}-${p.month}-${p.day}`, `${p.hour}:${p.minute}`];
}

/** addDays is day key + n days, as YYYY-MM-DD. */
export function addDays(key, n) {
  const d = new Date(`${key}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** atWallClock is the instant zone shows `day` at `hhmm` (zones off UTC by -12 to +14 hours). */
export function atWallClock(day, hhmm, zone) {
  const [h, m] = hhmm.split(':').map(Number);
  const [y, mo, d] = day.split('-').map(Number);
  for (let off = -14; off <= 12; off++) {
    const iso = new Date(Date.UTC(y, mo - 1, d, h + off, m)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const [dd, tt] = wallClock(iso, zone);
    if (dd === day && tt === hhmm) return iso;
  }
  throw new Error(`no instant for ${day} ${hhmm} in ${zone}`);
}

/**
 * useFake starts a fake network server command (startFake) for the whole
 * file and stops it after; the returned object's url is set once the
 * file's first hook ran. With pds set, it also insists on the real
 * Bluesky server the test command starts.
 */
export function useFake(pkg, { pds = false } = {}) {
  const f = { url: '' };
  let server;
  before(async () => {
    if (pds) assert.ok(PDS, 'RELAIS_PDS_URL is not set: scripts/e2e starts the Bluesky server (scripts/pds) when it is missing');
    server = await startFake(pkg);
    f.url = server.url;
  });
  after(() => server?.stop());
  return f;
}

/** useFakeMastodon is useFake with mastodontest's fake instance. */
export function useFakeMastodon(opts) {
  return useFake('./backend/network/mastodon/mastodontest/fakemastodon', opts);
}

// What every browser test shares: the demo's address, one headless Chromium per test file,
// signing in, the main navigation, and the axe-core check (WCAG 2.1 A and AA).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const BASE = process.env.TILLIT_URL;
export const SHOTS = new URL('./test-results/', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/// Starts Chromium before the file's tests and closes it after; call the result for the browser.
export function useBrowser() {
  const state = {};
  before(async () => {
    assert.ok(BASE, 'TILLIT_URL must name a running Tillit demo');
    mkdirSync(SHOTS, { recursive: true });
    state.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => { await state.browser?.close(); });
  return () => state.browser;
}

export const nav = (page) => page.getByRole('navigation', { name: /Main menu|Huvudmeny/ });

/// axe-core's violations on the page, one line each.
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.ok(result.passes.length > 10, 'axe ran its checks');
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function expectAccessible(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations on ${name}`);
}

/// Signs in a demo user in Swedish and waits for the overview.
export async function signIn(context, email) {
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill('tillit-demo-2026');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(/\/overview/);
  return page;
}

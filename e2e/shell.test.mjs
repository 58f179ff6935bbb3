// Browser test of the web shell in headless Chromium: sign in, overview, language switch, the
// admin pages, keyboard use, sign out — and axe-core finds no WCAG 2.1 A/AA violations on any page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

test('a coordinator signs in, sees the overview, switches language and signs out', async () => {
  const context = await browser().newContext({ locale: 'sv-SE' });
  const page = await context.newPage();
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') scriptErrors.push(m.text()); });

  await page.goto(`${BASE}/`);
  assert.match(page.url(), /\/login/);
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  await expectAccessible(page, 'sign-in page');

  // A wrong password shows an error summary that names the field.
  await page.getByLabel('E-postadress').fill('admin@norrfjall.example');
  await page.getByLabel('Lösenord').fill('fel lösenord');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.getByRole('alert').waitFor();
  // The refused sign-in answers 401, which the browser reports; nothing else may appear.
  assert.deepEqual(scriptErrors.map((e) => e.includes('401')), [true]);
  scriptErrors.length = 0;
  await expectAccessible(page, 'sign-in page with an error');

  await page.getByLabel('Lösenord').fill('tillit-demo-2026');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(/\/overview/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Översikt');
  assert.ok((await page.textContent('main')).includes('Region Norrfjäll'));
  await page.screenshot({ path: `${SHOTS}overview-sv.png`, fullPage: true });
  await expectAccessible(page, 'overview (sv)');

  // Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

  // Switch to English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Overview');
  await page.screenshot({ path: `${SHOTS}overview-en.png`, fullPage: true });
  await expectAccessible(page, 'overview (en)');

  // The administrator's pages.
  await nav(page).getByRole('link', { name: 'Members', exact: true }).click();
  await page.waitForURL(/\/admin\/members/);
  await expectAccessible(page, 'members');
  await page.getByLabel('Search by name or e-mail').fill('Sara');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelector('#member-results tbody')?.children.length === 1);
  assert.ok((await page.textContent('#member-results')).includes('Sara Nyström'));

  await nav(page).getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.waitForURL(/\/admin\/audit/);
  await expectAccessible(page, 'audit log');
  await page.screenshot({ path: `${SHOTS}audit-en.png`, fullPage: true });

  await nav(page).getByRole('link', { name: 'Information assets', exact: true }).click();
  await page.waitForURL(/\/assets/);
  assert.ok((await page.textContent('main')).includes('Not classified'), 'the demo region has an unclassified asset');
  await expectAccessible(page, 'information assets');
  await page.getByRole('link', { name: 'Patientjournal' }).click();
  await page.getByRole('heading', { level: 1, name: 'Patientjournal' }).waitFor();
  await expectAccessible(page, 'an information asset with its classification form');
  await page.screenshot({ path: `${SHOTS}asset-en.png`, fullPage: true });
  await page.goto(`${BASE}/assets/new`);
  await expectAccessible(page, 'new information asset form');
  await nav(page).getByRole('link', { name: 'Systems and IT services', exact: true }).click();
  await page.waitForURL(/\/systems/);
  await expectAccessible(page, 'systems');
  await page.getByRole('link', { name: 'Journalsystemet' }).click();
  await page.getByRole('heading', { level: 1, name: 'Journalsystemet' }).waitFor();
  assert.ok((await page.textContent('main')).includes('Patientjournal'), 'the system lists its assets');
  await expectAccessible(page, 'a system with inherited levels');
  await page.goto(`${BASE}/systems/new`);
  await expectAccessible(page, 'new system form');

  await nav(page).getByRole('link', { name: 'API tokens', exact: true }).click();
  await expectAccessible(page, 'API tokens');

  // Back to Swedish, then sign out.
  await page.getByRole('button', { name: 'Svenska' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.waitForURL(/\/login/);
  await page.goto(`${BASE}/overview`);
  assert.match(page.url(), /\/login/, 'signed out: the overview asks for sign-in');

  assert.deepEqual(scriptErrors, [], 'no script errors or CSP violations');
  await context.close();
});

test('a long list of check boxes filters as one types, and keeps what is checked', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 390, height: 844 } });
  const page = await signIn(context, 'samordnare@norrfjall.example');
  await page.goto(BASE + '/design');
  const set = page.locator('fieldset#system_ids');
  const filter = set.getByRole('searchbox', { name: 'Filtrera listan' });
  const shown = async () => (await set.locator('.check:visible').allTextContents()).map((s) => s.trim());
  assert.equal((await shown()).length, 16);
  await set.getByLabel('Bokningssystemet').check();
  await filter.fill('JOURNAL');
  // Case does not matter; the two checked ones stay whatever the filter says.
  assert.deepEqual(await shown(), ['Ambulansjournalen', 'Bokningssystemet', 'Cosmic', 'Journalsystemet (i arkivet)']);
  await filter.fill('rö');
  assert.deepEqual(await shown(), ['Bokningssystemet', 'Cosmic', 'Röntgenarkivet']);
  // Enter in the filter does not send the form.
  await filter.press('Enter');
  assert.equal(new URL(page.url()).pathname, '/design');
  await filter.fill('');
  assert.equal((await shown()).length, 16);
  await expectAccessible(page, 'design-filter');
});

// Every page of the demo, as four users reach them (the region's coordinator, a municipality's
// and a private provider's administrator, an authority's administrator): no page is wider than
// the screen at 1280 × 800 or at 390 × 844, and axe-core finds nothing at either width (at the
// narrow one the navigation folds behind its "Meny" button).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, useBrowser, axeViolations, signIn } from './lib.mjs';

const browser = useBrowser();

/// The pages a user reaches: the navigation's, and every page those link to (no downloads).
async function pagesOf(page) {
  const nav = await page.$$eval('#sidenav a', (as) => as.map((a) => a.getAttribute('href')));
  const found = [...nav];
  for (const href of nav) {
    await page.goto(BASE + href);
    found.push(...await page.$$eval('main a[href^="/"]:not([download])', (as) => as.map((a) => a.getAttribute('href'))));
  }
  const seen = new Set();
  return found.map((h) => h.split('#')[0])
    .filter((p) => !/export|\.csv|\.xlsx|\.json|\.ya?ml|\/oscal\/|\.pdf|\/file$|\/evidence\//.test(p))
    .filter((p) => (seen.has(p) ? false : (seen.add(p), true)));
}

for (const email of ['samordnare@norrfjall.example', 'admin@asby.example', 'admin@linden.example', 'admin@imy.example']) {
  test(`no page is wider than the screen, for ${email}`, async () => {
    const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 800 } });
    const page = await signIn(context, email);
    const pages = await pagesOf(page);
    // The search is a form, not a link: a query with hits in several registers.
    if (email !== 'admin@imy.example') pages.push('/search?q=journal');
    // The design system's page (on in the demo) holds every part at once.
    if (email === 'samordnare@norrfjall.example') pages.push('/design');
    assert.ok(pages.length >= 10, `pages found: ${pages.length}`);
    const wide = [];
    const axe = [];
    for (const path of pages) {
      for (const [w, h] of [[1280, 800], [390, 844]]) {
        await page.setViewportSize({ width: w, height: h });
        await page.goto(BASE + path);
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        if (sw > w) wide.push(`${path} at ${w}: ${sw} px`);
        for (const v of await axeViolations(page)) axe.push(`${path} at ${w}: ${v}`);
      }
    }
    assert.deepEqual(wide, [], 'pages wider than the screen');
    assert.deepEqual(axe, [], 'axe-core violations');
    await context.close();
  });
}

test('on a narrow screen the navigation folds behind the menu button', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 390, height: 844 } });
  const page = await signIn(context, 'samordnare@norrfjall.example');
  const menu = page.getByRole('button', { name: 'Meny' });
  await menu.waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('#sidenav-list').isVisible(), false);
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await page.locator('#sidenav').getByRole('link', { name: 'Informationsmängder' }).click();
  await page.getByRole('heading', { level: 1, name: 'Informationsmängder' }).waitFor();
  // At full width there is no button and the navigation is always shown.
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.equal(await page.getByRole('button', { name: 'Meny' }).isVisible(), false);
  assert.equal(await page.locator('#sidenav-list').isVisible(), true);
  await context.close();
});

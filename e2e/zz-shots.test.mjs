import { test } from 'node:test';
import { BASE, SHOTS, useBrowser, signIn } from './lib.mjs';
const browser = useBrowser();
const PAGES = (process.env.SHOT_PAGES || '/systems').split(',');
test('shots', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 800 } });
  const page = await signIn(context, 'samordnare@norrfjall.example');
  for (const p of PAGES) {
    let path = p;
    if (p.startsWith('first:')) {
      await page.goto(BASE + p.slice(6));
      path = await page.$eval(`main td a[href^="${p.slice(6)}/"]`, (a) => a.getAttribute('href'));
    }
    for (const w of [1280, 390]) {
      await page.setViewportSize({ width: w, height: 800 });
      await page.goto(BASE + path);
      await page.screenshot({ path: `${SHOTS}/zz-${p.replace(/[^a-z]/g, '_')}-${w}.png`, fullPage: true });
    }
  }
});

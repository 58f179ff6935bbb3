// The authority side: the region's coordinator signs and sends a status report to IMY; IMY's
// supervision lead finds it among the submissions received with its signature checked, sees the
// region in the risk-based ranking filtered to regions, opens its score explained factor by
// factor, finds Åsby kommun flagged for never having submitted, and looks at the ranking model.
// axe-core checks each page; screenshots at 1280 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

async function shots(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}authority-${name}-${width}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} at ${width} px is ${overflow} px wider than the window`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('a submission from the region reaches IMY and its ranking', async () => {
  const provider = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const coordinator = await signIn(provider, 'samordnare@norrfjall.example');
  await nav(coordinator).getByRole('link', { name: 'Inlämningar' }).click();
  await coordinator.getByRole('heading', { level: 1, name: 'Inlämningar' }).waitFor();
  await coordinator.getByRole('region', { name: 'Skicka en lägesrapport' })
    .getByLabel('Integritetsskyddsmyndigheten (demo)').check();
  await coordinator.getByRole('button', { name: /Signera och skicka/ }).click();
  await coordinator.getByText('Lägesrapporten är signerad och skickad.').waitFor();
  await provider.close();

  const authority = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const page = await signIn(authority, 'tillsyn@imy.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  // Received: the region's newest submission first, its signature checked, the read logged.
  await nav(page).getByRole('link', { name: 'Mottagna inlämningar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mottagna inlämningar' }).waitFor();
  await expectAccessible(page, 'the submissions received');
  await shots(page, 'received');
  const first = page.getByRole('row').nth(1);
  assert.ok((await first.textContent()).includes('Region Norrfjäll'), 'the newest submission is the region\'s');
  await first.getByRole('link').click();
  await page.getByText('Signaturen stämmer').first().waitFor();
  assert.ok((await page.textContent('main')).includes('har loggats'));
  await expectAccessible(page, 'a submission received');
  await shots(page, 'submission');

  // The ranking, regions only: the region is there, and explained.
  await nav(page).getByRole('link', { name: 'Riskbaserad planering' }).click();
  await page.getByRole('heading', { level: 1, name: 'Riskbaserad tillsynsplanering' }).waitFor();
  await expectAccessible(page, 'the ranking');
  await shots(page, 'ranking');
  await page.getByLabel('Typ').selectOption('region');
  await page.getByRole('button', { name: 'Filtrera' }).click();
  await page.waitForURL(/kind=region/);
  await page.getByRole('link', { name: 'Region Norrfjäll' }).click();
  await page.getByRole('heading', { name: 'Poängen förklarad' }).waitFor();
  const main = await page.textContent('main');
  assert.ok(/Plats \d+ av \d+/.test(main), 'its place in the ranking');
  assert.ok(main.includes('Antal patienter/klienter') && main.includes('registret'), 'each factor with its source');
  assert.ok(main.includes('Vad som skulle ändra placeringen mest'));
  await expectAccessible(page, 'an organisation explained');
  await shots(page, 'explained');

  // Åsby kommun has not submitted: flagged in the registry.
  await nav(page).getByRole('link', { name: 'Tillsynsregister' }).click();
  await page.getByLabel('Sök namn eller organisationsnummer').fill('Åsby');
  await page.getByRole('button', { name: 'Filtrera' }).click();
  const asby = page.getByRole('row', { name: /Åsby kommun/ });
  assert.ok((await asby.textContent()).includes('Ingen inlämning'));
  await expectAccessible(page, 'the registry');
  await shots(page, 'registry');

  // The model: every factor with its weight and rationale, editable by the supervision lead.
  await nav(page).getByRole('link', { name: 'Rangordningsmodell' }).click();
  await page.getByRole('heading', { level: 1, name: 'Rangordningsmodellen' }).waitFor();
  assert.ok((await page.textContent('main')).includes('Version 1 gäller.'));
  await expectAccessible(page, 'the ranking model');
  await shots(page, 'model');
  assert.deepEqual(scriptErrors, []);
  await authority.close();
});

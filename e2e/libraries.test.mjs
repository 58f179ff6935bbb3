// Another library beside Tillit's own: Region Norrfjäll's administrator imports NIST SP 800-53
// with the MODERATE baseline (catalog and profile, as files), assesses the record system against
// it control by control, and downloads the system's OSCAL documents. axe-core checks each page;
// at 390 px no page is wider than the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BASE, SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();
const DATA = process.env.TILLIT_OSCAL_DATA || new URL('../../shared/data/oscal', import.meta.url).pathname;
const NIST = `${DATA}/nist-sp800-53-rev5`;

async function fitsOnAPhone(page, name) {
  await page.setViewportSize({ width: 390, height: 844 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `${name} is ${width} px wide at 390 px`);
  await page.screenshot({ path: `${SHOTS}/${name}-390.png`, fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SHOTS}/${name}-1280.png`, fullPage: false });
}

test('NIST MODERATE is imported, the record system assessed against it and exported as OSCAL', async (t) => {
  if (!existsSync(NIST)) {
    t.skip(`NIST's OSCAL files not found at ${NIST} (set TILLIT_OSCAL_DATA)`);
    return;
  }
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const page = await signIn(context, 'admin@norrfjall.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  await nav(page).getByRole('link', { name: 'Kravbibliotek', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Ytterligare kravbibliotek' }).waitFor();
  await expectAccessible(page, 'libraries');
  // A file that is not OSCAL is refused, with the field named.
  await page.getByLabel('Katalog (OSCAL)').setInputFiles({ name: 'fel.json', mimeType: 'application/json', buffer: Buffer.from('{"catalog": {}}') });
  await page.getByRole('button', { name: 'Importera' }).click();
  await page.getByRole('alert').getByText(/Katalog \(OSCAL\): inte ett dokument Tillit kan läsa/).waitFor();

  await page.getByLabel('Katalog (OSCAL)').setInputFiles(`${NIST}/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json`);
  await page.getByLabel('Profil (OSCAL)').setInputFiles(`${NIST}/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json`);
  await page.getByRole('button', { name: 'Importera' }).click();
  await page.getByText('Biblioteket är importerat.').waitFor();
  await page.getByRole('heading', { level: 1, name: /MODERATE IMPACT BASELINE/ }).waitFor();
  assert.ok((await page.textContent('main')).includes('AC-2'), 'the controls are listed');
  await expectAccessible(page, 'library');
  await fitsOnAPhone(page, 'library');

  await nav(page).getByRole('link', { name: 'System och it-tjänster', exact: true }).click();
  await page.getByRole('link', { name: 'Journalsystemet' }).click();
  await page.getByRole('heading', { name: 'OSCAL' }).waitFor();
  const moderate = await page.locator('#library_id option', { hasText: 'MODERATE' }).getAttribute('value');
  await page.locator('#library_id').selectOption(moderate);
  await page.getByRole('button', { name: 'Bedöm systemet mot biblioteket' }).click();
  await page.getByText('Systemet bedöms nu mot biblioteket.').waitFor();
  await page.getByText(/0 av 287 kontroller är bedömda/).waitFor();
  await expectAccessible(page, 'system against a library');
  await fitsOnAPhone(page, 'system-library');

  await page.getByRole('link', { name: 'AC-2 Account Management', exact: true }).click();
  assert.ok((await page.textContent('main')).includes('[Assignment: prerequisites and criteria]'));
  await page.getByLabel('Delvis uppfyllt').check();
  await page.getByLabel('Motivering').fill('Konton för inhyrd personal granskas inte regelbundet.');
  await page.getByRole('button', { name: 'Spara bedömningen' }).click();
  await page.getByText('Bedömningen har sparats.').waitFor();
  await expectAccessible(page, 'control');
  await fitsOnAPhone(page, 'control');
  await page.getByRole('link', { name: /Till .*MODERATE.* för Journalsystemet/ }).click();
  await page.getByText(/1 av 287 kontroller är bedömda/).waitFor();

  // The system's page offers its OSCAL documents; the assessment against MODERATE downloads.
  const href = await page.getByRole('link', { name: 'JSON' }).first().getAttribute('href');
  const res = await page.request.get(`${BASE}${href}`);
  assert.equal(res.status(), 200);
  const doc = await res.json();
  const finding = doc['assessment-results'].results[0].findings[0];
  assert.equal(finding.target['target-id'], 'ac-2');
  assert.equal(finding.target.status.state, 'not-satisfied');
  await page.goto(`${BASE}${href.replace(/\/oscal\/.*/, '')}`);
  const oscal = page.locator('section', { has: page.getByRole('heading', { name: 'OSCAL' }) });
  assert.ok((await oscal.textContent()).includes('NIST Special Publication 800-53'), 'the library is listed on the system');
  await expectAccessible(page, 'system with OSCAL exports');
  await fitsOnAPhone(page, 'system-oscal');
  await oscal.screenshot({ path: `${SHOTS}/system-oscal-section-1280.png` });
  assert.deepEqual(scriptErrors, []);
  await context.close();
});

test('Åsby kommun sees what the second version of IMY\'s catalog changes, and adopts it', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const page = await signIn(context, 'admin@asby.example');
  await nav(page).getByRole('link', { name: 'Vägledning' }).click();
  await page.getByRole('link', { name: 'Granskningspunkter för system med känsliga personuppgifter' }).click();
  const catalog = page.locator('#catalog');
  await catalog.getByRole('heading', { name: 'Ändringar sedan version 1' }).waitFor();
  const text = await catalog.textContent();
  assert.ok(text.includes('Ni har antagit version 1'), 'the earlier adoption is named');
  assert.ok(text.includes('BEH-6') && text.includes('Ny'), 'the new control');
  const touched = catalog.locator('table');
  assert.ok((await touched.textContent()).includes('BEH-4'), 'the removed control Åsby assessed');
  assert.ok((await touched.textContent()).includes('Delvis uppfyllt'));
  await expectAccessible(page, 'a published catalog');
  await fitsOnAPhone(page, 'published-catalog');
  await catalog.screenshot({ path: `${SHOTS}/published-catalog-section-1280.png` });

  await page.getByRole('button', { name: 'Anta kravkatalogen' }).click();
  await page.getByText(/Kravkatalogen är antagen som ett av era bibliotek/).waitFor();
  await page.getByRole('heading', { level: 1, name: 'IMY:s granskningspunkter' }).waitFor();
  // The system assessed against version 1 is assessed against version 2, LOG-2 carried over.
  await page.locator('section', { has: page.getByRole('heading', { name: 'System som bedöms mot biblioteket' }) })
    .getByRole('link').first().click();
  await page.getByText(/2 av 5 kontroller är bedömda/).waitFor();
  await expectAccessible(page, 'the adopted catalog for a system');
  await context.close();
});

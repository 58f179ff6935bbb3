// The region's administrator names a missing contact for incidents, and the coordinator's
// ransomware checklist is ticked off on the incident's page, a second checklist started and the
// checklist printed. axe-core checks each page, and none is wider than the screen at 1280 or
// 390 px.
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { BASE, SHOTS, useBrowser, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

async function check(page, name) {
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} at ${w} px is ${overflow} px wider than the window`);
    await expectAccessible(page, `${name} at ${w} px`);
    await page.screenshot({ path: `${SHOTS}playbooks-${name}-${w}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('contacts are named and a checklist is ticked off, started and printed', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 800 } });
  const page = await signIn(context, 'admin@norrfjall.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  await page.goto(`${BASE}/incidents`);
  await page.getByRole('link', { name: 'Alla checklistor och kontakter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tillits checklistor för incidenter' }).waitFor();
  assert.ok((await page.textContent('main')).includes('En roll saknar kontakt.'));
  await check(page, 'list');

  // The one role without a contact: a phone number in words is refused, then the right one kept.
  await page.locator('#role-hr summary').click();
  await page.locator('#hr-name').fill('HR-jouren');
  await page.locator('#hr-phone').fill('ring växeln');
  await page.locator('#role-hr').getByRole('button', { name: 'Spara kontakten' }).click();
  await page.getByRole('alert').getByText('Telefon:').waitFor();
  assert.equal(await page.locator('#hr-name').inputValue(), 'HR-jouren', 'what was entered is kept');
  await check(page, 'contact-error');
  await page.locator('#hr-phone').fill('08-465 004 18');
  await page.locator('#role-hr').getByRole('button', { name: 'Spara kontakten' }).click();
  await page.getByText('Kontakten är sparad.').waitFor();
  assert.ok(!(await page.textContent('main')).includes('saknar kontakt'));

  // The ransomware incident's checklist: six of fourteen steps done in the demo.
  await page.goto(`${BASE}/incidents`);
  await page.getByRole('link', { name: 'Utpressningsprogram krypterar labbsystemet' }).click();
  await page.getByRole('heading', { level: 2, name: 'Checklistor' }).waitFor();
  assert.ok((await page.textContent('main')).includes('6 av 14 klara'));
  await check(page, 'incident');
  await page.getByRole('button', { name: /^Markera som klart: Kontrollera att säkerhetskopiorna/ }).click();
  await page.getByText('7 av 14 klara').waitFor();
  const main = await page.textContent('main');
  assert.ok(main.includes('Klart (Utpressningsprogram (ransomware)): Kontrollera att säkerhetskopiorna är oskadda'), 'the tick is in the timeline');
  assert.ok(main.includes('HR-jouren') || main.includes('08-465 004 11'), 'contacts show in the steps');

  // A second checklist, then the first printed.
  await page.getByLabel('Starta checklista').selectOption({ label: 'Avbrott hos en leverantör' });
  await page.getByRole('button', { name: 'Starta', exact: true }).click();
  await page.getByText('Checklistan är startad.').waitFor();
  assert.ok((await page.textContent('main')).includes('0 av 8 klara'));
  const href = await page.locator('#checklist-ransomware a[download]').getAttribute('href');
  const res = await context.request.get(BASE + href);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  const pdf = await res.body();
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  writeFileSync(`${SHOTS}playbooks-incident.pdf`, pdf);
  const all = await context.request.get(`${BASE}/incidents/playbooks/pdf`);
  assert.equal(all.status(), 200);
  writeFileSync(`${SHOTS}playbooks-all.pdf`, await all.body());
  await page.screenshot({ path: `${SHOTS}playbooks-started-1280.png`, fullPage: true });
  assert.deepEqual(scriptErrors, []);
  await context.close();
});

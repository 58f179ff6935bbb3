// Outsourcing: the region's coordinator finds the suppliers and the cases, sees the e-service
// platform in a US-owned cloud judged unsuitable as offered and what would change it, opens a
// new case through the form; the information owner decides the backup case, and the decision
// record and memo show it. axe-core checks each page; screenshots at 1280 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

async function shots(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}outsourcing-${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('the region assesses the cloud platform and the owner decides the backups', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const page = await signIn(context, 'samordnare@norrfjall.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  await nav(page).getByRole('link', { name: 'Leverantörer', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Leverantörer' }).waitFor();
  await expectAccessible(page, 'suppliers');
  await page.getByRole('link', { name: 'Digitala Vårdtjänster AB' }).click();
  await page.getByRole('heading', { level: 1, name: 'Digitala Vårdtjänster AB' }).waitFor();
  assert.ok((await page.textContent('main')).includes('lyder under lag i ett land utanför EU/EES'));
  await expectAccessible(page, 'a supplier');
  await shots(page, 'supplier');

  await nav(page).getByRole('link', { name: 'Utkontraktering', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Utkontraktering' }).waitFor();
  await expectAccessible(page, 'outsourcing cases');
  await shots(page, 'cases');

  await page.getByRole('link', { name: 'E-tjänstplattformen i publikt moln, som offererad' }).click();
  await page.getByRole('heading', { level: 1, name: 'E-tjänstplattformen i publikt moln, som offererad' }).waitFor();
  const assessment = page.locator('section', { has: page.getByRole('heading', { name: 'Bedömning', exact: true }) });
  const text = await assessment.textContent();
  assert.ok(text.toLowerCase().includes('olämpligt'), 'unsuitable as offered (at worst, until the data is classified)');
  assert.ok(text.includes('10 kap. 2 a § OSL'), 'the provision is cited');
  assert.ok(text.includes('Kunden håller nycklarna'), 'customer-held keys offered as a condition');
  assert.ok(text.includes('inte beslutet'), 'the tool says it is not the decision');
  await expectAccessible(page, 'a case');
  await shots(page, 'case');

  await page.getByRole('link', { name: 'PM för beslut (utskrift)' }).click();
  await page.getByRole('heading', { level: 1, name: /Beslutsunderlag om utkontraktering/ }).waitFor();
  await expectAccessible(page, 'the memo');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: `${SHOTS}outsourcing-memo.pdf`, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });

  await page.goto(page.url().replace(/\/outsourcing\/.*/, '/outsourcing/rules'));
  await page.getByRole('heading', { level: 1, name: 'Regler för utkontrakteringsbedömningen' }).waitFor();
  assert.ok((await page.textContent('main')).includes('utl-plaintext'));
  await expectAccessible(page, 'the rule set');

  // A new case through the form: the answers left open stay open.
  await page.goto(page.url().replace(/\/outsourcing\/rules$/, '/outsourcing/new'));
  await page.getByLabel('Rubrik').fill('Lönesystemet hos Lönepartner');
  await page.getByLabel('Leverantör', { exact: true }).selectOption({ label: 'Lönepartner AB' });
  await page.getByLabel('HR-systemet').check();
  await page.locator('fieldset#scope').getByLabel('Enbart teknisk bearbetning eller lagring').check();
  await expectAccessible(page, 'the case form');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Bedömningen har sparats.').waitFor();
  assert.ok((await page.textContent('main')).includes('Öppna frågor'), 'unanswered questions are listed');
  assert.deepEqual(scriptErrors, []);
  await context.close();

  // The information owner decides the backups.
  const owner = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const p2 = await signIn(owner, 'agare@norrfjall.example');
  await nav(p2).getByRole('link', { name: 'Utkontraktering', exact: true }).click();
  await p2.getByRole('link', { name: 'Säkerhetskopior av journalsystemet hos Norrlands IT-drift' }).click();
  assert.ok((await p2.locator('.recommendation').textContent()).includes('Lämpligt'));
  await p2.locator('fieldset#outcome').getByLabel('Godkänt', { exact: true }).check();
  await p2.getByLabel('Motivering').fill('Krypterade säkerhetskopior med regionens egna nycklar i kommunägt datacenter inom Sverige.');
  await p2.getByLabel('Beslutanderätt enligt').fill('punkt 4.2 i regionstyrelsens delegationsordning');
  await p2.getByRole('button', { name: 'Fatta beslut' }).click();
  await p2.getByText('Beslutet har registrerats.').waitFor();
  const decision = await p2.locator('section', { has: p2.getByRole('heading', { name: 'Beslut', exact: true }) }).textContent();
  assert.ok(decision.includes('Godkänt') && decision.includes('tillit-utkontraktering 1'));
  assert.ok(decision.includes('Beslutat med stöd av punkt 4.2 i regionstyrelsens delegationsordning.'));
  assert.match(decision, /[0-9a-f]{64}/, 'the facts hash is shown');
  await expectAccessible(p2, 'a decided case');
  await shots(p2, 'decided');
  await owner.close();
});

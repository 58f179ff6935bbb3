// The law, right: a municipality on catalog version 1 is offered version 2, sees what the upgrade
// touches, accepts it and finds the re-assessment list and the gap; the comparison marks the
// corrected words; the medium-sized private provider sees the confidentiality of the Patient
// Safety Act (not OSL) and the Cybersecurity Act's duties, and why. axe-core checks each page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

test('Åsby kommun is offered version 2, accepts it and sees what to re-assess', async () => {
  const context = await browser().newContext({ locale: 'sv-SE' });
  const page = await signIn(context, 'admin@asby.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  await nav(page).getByRole('link', { name: 'Kravkatalog', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Kravkatalog' }).waitFor();
  assert.ok((await page.textContent('main')).includes('arbetar efter version 1'));
  await page.getByRole('heading', { name: 'En ny version finns' }).waitFor();
  await expectAccessible(page, 'catalog with an upgrade offer');

  await page.getByRole('link', { name: 'Se vad uppgraderingen innebär' }).click();
  await page.getByRole('heading', { level: 1, name: 'Uppgradera från version 1 till version 2' }).waitFor();
  const impact = page.locator('section', { has: page.getByRole('heading', { name: 'Era bedömningar som ändringarna berör' }) });
  const impactText = await impact.textContent();
  assert.ok(impactText.includes('LOG-2'), 'the assessment of log-2 is touched');
  const log2Row = impact.locator('tr', { hasText: 'LOG-2' });
  const cells = await log2Row.locator('td').allTextContents();
  assert.equal(cells[2], '1', 'one assessment of log-2');
  assert.equal(cells[3], '1', 'to be re-assessed');
  const added = await page.locator('section', { has: page.getByRole('heading', { name: 'Krav som börjar gälla' }) }).textContent();
  assert.ok(added.includes('STY-14'), 'the data protection officer now applies');
  // The changed words are marked: "fortlöpande" struck, "återkommande" inserted.
  const log2 = page.locator('#change-log-2');
  assert.ok((await log2.locator('del').allTextContents()).some((t) => t.includes('fortlöpande')));
  assert.ok((await log2.locator('ins').allTextContents()).some((t) => t.includes('återkommande')));
  await expectAccessible(page, 'upgrade plan');

  await page.getByRole('button', { name: 'Uppgradera kravkatalogen' }).click();
  await page.getByText('Organisationen arbetar nu efter den nya versionen').waitFor();
  const todo = page.locator('#reassessments');
  const todoText = await todo.textContent();
  assert.ok(todoText.includes('LOG-2'), 're-assessment list names log-2');
  assert.ok(todoText.includes('Kravet har ändrats: bedöm igen'));
  assert.ok(todoText.includes('Nytt krav: inte bedömt'));
  assert.equal(await page.locator('#upgrade-offer').count(), 0, 'no offer once on the newest version');
  await expectAccessible(page, 'catalog after the upgrade');

  // The follow-up shows the re-assessments as a gap until they are assessed.
  await page.goto(`${BASE}/overview`);
  assert.ok((await page.textContent('main')).includes('Krav att bedöma efter uppgradering'));

  // Re-assessing log-2 takes it off the list.
  await page.goto(`${BASE}/catalog`);
  await todo.getByRole('link', { name: /LOG-2/ }).click();
  await page.getByLabel('Delvis uppfyllt').check();
  await page.getByLabel('Motivering').fill('Kontrollerna görs nu enligt plan varje månad.');
  await page.getByRole('button', { name: 'Spara bedömningen' }).click();
  await page.getByText('Bedömningen har sparats.').waitFor();
  await page.goto(`${BASE}/catalog`);
  assert.ok(!(await page.locator('#reassessments').textContent()).includes('LOG-2'), 'log-2 is settled');

  assert.deepEqual(scriptErrors, [], 'no script errors');
  await context.close();
});

test('the private provider is bound by the Patient Safety Act and the Cybersecurity Act', async () => {
  const context = await browser().newContext({ locale: 'sv-SE' });
  const page = await signIn(context, 'admin@linden.example');
  await nav(page).getByRole('link', { name: 'Organisation', exact: true }).click();
  const org = await page.textContent('main');
  assert.ok(org.includes('Gäller inte: en privat vård- eller omsorgsgivare är inte en myndighet'));
  assert.ok(org.includes('Hälso- och sjukvårdsgivare som är medelstora eller större'));
  await expectAccessible(page, 'organisation page');

  await nav(page).getByRole('link', { name: 'System och it-tjänster', exact: true }).click();
  await page.getByRole('link', { name: 'Omsorgsjournalen' }).click();
  await page.getByRole('main').getByRole('link', { name: 'Krav och egenbedömning' }).click();
  const text = await page.textContent('main');
  assert.ok(text.includes('SEK-4'), 'the confidentiality of patientsäkerhetslagen applies');
  assert.ok(text.includes('6 kap. 12 § patientsäkerhetslagen (2010:659)'));
  assert.ok(text.includes('tystnadsplikt enligt patientsäkerhetslagen'), 'and why: the organisation is private');
  assert.ok(!text.includes('25 kap. 1 § OSL'), 'OSL does not bind a private provider');
  assert.ok(text.includes('INC-4') && text.includes('Organisationen omfattas av cybersäkerhetslagen'));
  await expectAccessible(page, 'private provider requirements');
  await context.close();
});

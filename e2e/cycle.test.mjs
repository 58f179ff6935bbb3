// The whole cycle in the browser, as a coordinator of the demo region: classify an asset, see what
// applies and why, assess a requirement, run a risk analysis, add a measure (an untraced one is
// refused), treat the risk and watch the heat map and the overview change. A municipality's
// overview shows its gaps. axe-core checks every page on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

/// The count shown for a gap on the overview (0 when the gap is not listed).
async function gapCount(page, heading) {
  await page.goto(`${BASE}/overview`);
  const item = page.locator('.gap-list li', { hasText: heading });
  if (await item.count() === 0) return 0;
  return Number(await item.locator('strong').textContent());
}

test('a coordinator runs the whole cycle and the overview follows', async () => {
  const context = await browser().newContext({ locale: 'sv-SE' });
  const page = await signIn(context, 'samordnare@norrfjall.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  // Inventory and classification: the unclassified 1177 asset.
  assert.equal(await gapCount(page, 'Oklassade informationsmängder'), 1);
  await expectAccessible(page, 'overview with gaps');
  await nav(page).getByRole('link', { name: 'Informationsmängder', exact: true }).click();
  await page.getByRole('link', { name: '1177-ärenden' }).click();
  await page.getByRole('heading', { level: 1, name: '1177-ärenden' }).waitFor();
  for (const [aspect, level] of [['Konfidentialitet', '3 Allvarlig'], ['Riktighet', '2 Betydande'], ['Tillgänglighet', '2 Betydande'], ['Spårbarhet', '3 Allvarlig']]) {
    await page.getByRole('group', { name: aspect }).getByLabel(level).check();
  }
  await page.getByLabel('Motivering').fill('Invånarnas meddelanden innehåller hälsouppgifter.');
  await page.getByRole('button', { name: 'Spara klassningen' }).click();
  await page.getByText('Klassningen har sparats.').waitFor();
  assert.equal(await gapCount(page, 'Oklassade informationsmängder'), 0, 'the gap closes');

  // What applies to the e-service platform, and why.
  await nav(page).getByRole('link', { name: 'System och it-tjänster', exact: true }).click();
  await page.getByRole('link', { name: 'E-tjänstplattformen' }).click();
  await page.getByRole('main').getByRole('link', { name: 'Krav och egenbedömning' }).click();
  await page.getByRole('heading', { level: 1, name: 'Krav för E-tjänstplattformen' }).waitFor();
  const reqText = await page.textContent('main');
  assert.ok(reqText.includes('Publik molntjänst'), 'cloud requirements with their reason');
  assert.ok(reqText.includes('Konfidentialitet nivå 3 (Allvarlig)'), 'inherited from the new classification');
  await expectAccessible(page, 'requirements of a system');
  await page.screenshot({ path: `${SHOTS}requirements-sv.png`, fullPage: true });
  await page.getByRole('link', { name: /LEV-5/ }).click();
  await page.getByLabel('Ej uppfyllt').check();
  await page.getByLabel('Kommentar').fill('Ingen exitplan och nycklarna hanteras av leverantören.');
  await page.getByRole('button', { name: 'Spara bedömningen' }).click();
  await page.getByText('Bedömningen har sparats.').waitFor();
  await expectAccessible(page, 'a requirement with its assessment');
  const unmet = await gapCount(page, 'Ej uppfyllda krav utan åtgärd');
  assert.ok(unmet >= 1, 'the unmet requirement is a gap');

  // A risk analysis with a scenario above tolerance.
  await nav(page).getByRole('link', { name: 'Riskanalys', exact: true }).click();
  await expectAccessible(page, 'risk analyses with heat maps');
  await page.getByRole('link', { name: 'Ny riskanalys' }).click();
  await page.getByLabel('Rubrik').fill('E-tjänster 2026');
  await page.getByLabel('E-tjänstplattformen').check();
  await page.getByLabel('Deltagare').fill('Johan Berg, Erik Sandberg');
  await expectAccessible(page, 'new risk analysis form');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Riskanalysen har sparats.').waitFor();
  await page.getByRole('link', { name: 'Nytt riskscenario' }).click();
  await page.getByLabel('Rubrik').fill('Leverantören lämnar ut uppgifter enligt utländsk lag');
  await page.getByLabel('Hot', { exact: true }).selectOption('foreign_law_disclosure');
  await page.getByLabel('Sannolikhet före åtgärder').selectOption('3');
  await page.getByLabel('Konsekvens före åtgärder').selectOption('4');
  await expectAccessible(page, 'new scenario form');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Scenariot har sparats.').waitFor();
  assert.ok((await page.textContent('main')).includes('1 scenario, 1 över tolerans'), 'the heat map counts it');
  await expectAccessible(page, 'risk analysis with a scenario');
  await page.screenshot({ path: `${SHOTS}risk-sv.png`, fullPage: true });
  const untreated = await gapCount(page, 'Risker över tolerans utan behandling');
  assert.equal(untreated, 1);

  // A measure: untraced is refused with the reason; traced to the scenario it is saved.
  await nav(page).getByRole('link', { name: 'Åtgärdsplan', exact: true }).click();
  await expectAccessible(page, 'action plan');
  await page.getByRole('link', { name: 'Ny åtgärd' }).click();
  await page.getByLabel('Rubrik').fill('Kryptering med egen nyckel');
  await page.getByLabel('Klart senast').fill('2027-03-31');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByRole('alert').waitFor();
  assert.ok((await page.getByRole('alert').textContent()).includes('minst ett riskscenario eller ett krav'));
  await expectAccessible(page, 'refused untraced measure');
  await page.getByLabel(/Leverantören lämnar ut uppgifter/).check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Åtgärden har sparats.').waitFor();
  assert.ok((await page.textContent('main')).includes('Risk: Leverantören lämnar ut uppgifter enligt utländsk lag'));

  // Treat the risk: reduce, with the residual risk after the planned measure.
  await nav(page).getByRole('link', { name: 'Riskanalys', exact: true }).click();
  await page.getByRole('link', { name: 'E-tjänster 2026' }).click();
  await page.getByRole('link', { name: 'Leverantören lämnar ut uppgifter enligt utländsk lag' }).click();
  // The scenario opens as a read view: its steps named, the measure that treats it listed.
  await page.getByRole('heading', { level: 1, name: 'Leverantören lämnar ut uppgifter enligt utländsk lag' }).waitFor();
  const view = await page.textContent('main');
  assert.ok(view.includes('3 × 4 = 12 (Hög sannolikhet, Mycket allvarlig konsekvens)'), view);
  assert.ok(view.includes('Kryptering med egen nyckel'), 'the measure against the risk');
  await expectAccessible(page, 'scenario read view');
  await page.getByRole('link', { name: 'Ändra', exact: true }).click();
  await page.getByLabel('Riskbehandling').selectOption('reduce');
  await page.getByLabel('Sannolikhet efter planerade åtgärder').selectOption('1');
  await page.getByLabel('Konsekvens efter planerade åtgärder').selectOption('4');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Scenariot har sparats.').waitFor();
  const residual = await page.locator('#heat-residual-caption').textContent();
  assert.ok(residual.includes('1 scenario, 0 över tolerans'), `the residual heat map changes: ${residual}`);
  assert.equal(await gapCount(page, 'Risker över tolerans utan behandling'), 0, 'the overview follows');

  // Follow-up with the trend.
  await nav(page).getByRole('link', { name: 'Uppföljning', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Uppföljning' }).waitFor();
  await expectAccessible(page, 'follow-up');
  await page.screenshot({ path: `${SHOTS}follow-up-sv.png`, fullPage: true });

  // The access-needs analysis page.
  await nav(page).getByRole('link', { name: 'System och it-tjänster', exact: true }).click();
  await page.getByRole('link', { name: 'Journalsystemet' }).click();
  await page.getByRole('link', { name: 'Behovs- och riskanalys' }).click();
  assert.ok((await page.textContent('main')).includes('Beslutad av Maria Holm'));
  await expectAccessible(page, 'access-needs analysis');

  assert.deepEqual(scriptErrors, [], 'no script errors');
  await context.close();
});

test("a municipality's overview shows its gaps", async () => {
  const context = await browser().newContext({ locale: 'sv-SE' });
  const page = await signIn(context, 'admin@asby.example');
  const text = await page.textContent('main');
  for (const gap of ['Oklassade informationsmängder', 'System med patientuppgifter utan behovs- och riskanalys',
    'Risker över tolerans utan behandling', 'Försenade åtgärder', 'Ej uppfyllda krav utan åtgärd']) {
    assert.ok(text.includes(gap), `Åsby's overview lists: ${gap}`);
  }
  await page.getByRole('link', { name: 'Se hela uppföljningen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Uppföljning' }).waitFor();
  await page.getByRole('link', { name: 'Elevhälsans journalsystem' }).first().click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.match(page.url(), /access-analysis/, 'the gap links to the place to fix it');
  await expectAccessible(page, 'an access-needs analysis to fill in');
  await context.close();
});

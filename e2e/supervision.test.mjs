// A supervision case from opening to a verified order: IMY's case officer opens a case on
// Region Norrfjäll from its page in the ranking and sends a request; the region's coordinator
// answers it with a signed extract of one system; the officer issues an order with one required
// action; the coordinator reports it; the officer accepts it and closes the case without a
// motivation. Then the handling-time statistics, the case shared with IVO in the demo, and the
// guidance. axe-core checks each page; screenshots at 1280 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

async function shots(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}supervision-${name}-${width}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} at ${width} px is ${overflow} px wider than the window`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const inDays = (n) => {
  const d = new Date(Date.now() + n * 86400000);
  return d.toISOString().slice(0, 10);
};

test('a case runs from opening to a verified order', async () => {
  const imy = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const officer = await signIn(imy, 'handlaggare@imy.example');
  const scriptErrors = [];
  officer.on('pageerror', (e) => scriptErrors.push(String(e)));

  // From the ranking: the region's page offers to open a case.
  await nav(officer).getByRole('link', { name: 'Riskbaserad planering' }).click();
  await officer.getByLabel('Typ').selectOption('region');
  await officer.getByRole('button', { name: 'Filtrera' }).click();
  await officer.waitForURL(/kind=region/);
  await officer.getByRole('link', { name: 'Region Norrfjäll' }).first().click();
  await officer.getByRole('heading', { name: 'Tillsynsärenden' }).waitFor();
  await officer.getByRole('link', { name: 'Öppna ett tillsynsärende' }).click();
  await officer.getByRole('heading', { level: 1, name: 'Tillsynsärenden' }).waitFor();
  assert.equal(await officer.getByLabel('Organisationsnummer').inputValue(), '232100-9991');
  await expectAccessible(officer, 'the case list with the new case form');
  assert.equal(await officer.getByRole('textbox', { name: 'Rubrik', exact: true }).inputValue(), 'Planerad tillsyn av Region Norrfjäll');
  await officer.getByRole('textbox', { name: 'Rubrik', exact: true }).fill('Åtkomst till journalsystemet');
  await officer.getByRole('button', { name: 'Öppna ärendet' }).click();
  await officer.getByText('Ärendet har öppnats.').waitFor();
  const caseUrl = officer.url().split('?')[0];

  // A request with questions, documents and a deadline.
  await officer.getByText('Skicka en begäran till vårdgivaren').click();
  await officer.getByLabel('Frågor').fill('Hur tilldelas behörigheter i journalsystemet?');
  await officer.getByLabel('Handlingar som begärs').fill('Behovs- och riskanalys');
  await officer.getByLabel('Svar senast').fill(inDays(14));
  await officer.getByRole('button', { name: 'Skicka begäran' }).click();
  await officer.getByText('Begäran har skickats till vårdgivaren.').waitFor();
  await expectAccessible(officer, 'the case with a request');

  // The region answers, attaching one system from its register.
  const region = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const coordinator = await signIn(region, 'samordnare@norrfjall.example');
  await nav(coordinator).getByRole('link', { name: /^Tillsyn/ }).click();
  await coordinator.getByRole('heading', { level: 1, name: 'Tillsyn' }).waitFor();
  await expectAccessible(coordinator, 'the provider\'s supervision list');
  await coordinator.getByRole('link', { name: /^\d{4}-\d{4}$/ }).first().click();
  await coordinator.getByLabel('Svar', { exact: true }).fill('Behörigheter tilldelas efter en behovs- och riskanalys per yrkesroll.');
  await coordinator.getByText('Bifoga ett utdrag ur era register').click();
  const system = coordinator.getByRole('group', { name: 'System' }).getByRole('checkbox').first();
  await system.check();
  await expectAccessible(coordinator, 'the provider\'s answer form');
  await shots(coordinator, 'answer');
  await coordinator.getByRole('button', { name: 'Skicka svaret' }).click();
  await coordinator.getByText('Svaret har skickats till myndigheten.').waitFor();

  // The officer sees the answer with its signed extract and issues an order.
  await officer.goto(caseUrl);
  await officer.getByText('Utdrag ur registren (signerat)').waitFor();
  await officer.getByText('Fatta beslut').click();
  await officer.getByLabel('Utgång').selectOption('order');
  await officer.getByLabel('Sammanfattning').fill('Behörigheterna följs inte upp.');
  await officer.getByLabel('Krav 1').fill('beh-6');
  await officer.getByLabel('Iakttagelse 1').fill('Ingen översyn av behörigheterna har gjorts.');
  await officer.getByLabel('Åtgärd 1').fill('Se över alla behörigheter i journalsystemet.');
  await officer.getByLabel('Senast 1').fill(inDays(45));
  await officer.getByRole('button', { name: 'Meddela beslutet' }).click();
  await officer.getByText('Beslutet har meddelats.').waitFor();
  assert.ok((await officer.textContent('main')).includes('4 kap. 2 § patientdatalagen'), 'the provision is taken from the catalog');
  await expectAccessible(officer, 'the decided case');
  await shots(officer, 'decided');

  // The region reports the action; the officer accepts it and closes the case.
  await coordinator.reload();
  await coordinator.getByLabel('Vad har gjorts?').fill('Alla behörigheter är översedda och tre är borttagna.');
  await coordinator.getByRole('button', { name: 'Redovisa åtgärden' }).click();
  await coordinator.getByText('Redovisningen har skickats.').waitFor();
  await officer.reload();
  await officer.getByLabel('godkänd', { exact: true }).check();
  await officer.getByRole('button', { name: 'Spara bedömningen' }).click();
  await officer.getByText('Bedömningen har sparats.').waitFor();
  assert.ok((await officer.textContent('main')).includes('1 av 1 åtgärd godkänd'));
  await officer.getByRole('button', { name: 'Avsluta ärendet' }).click();
  await officer.getByText('Ärendet har avslutats.').waitFor();
  assert.ok((await officer.textContent('main')).includes('avslutat'));
  await expectAccessible(officer, 'the closed case');
  await shots(officer, 'closed');

  // The statistics and the demo's case on Åsby, shared with IVO.
  await officer.goto(caseUrl.replace(/\/cases\/.*/, '/statistics'));
  await officer.getByRole('heading', { level: 1, name: 'Handläggningstider' }).waitFor();
  await expectAccessible(officer, 'the handling-time statistics');
  await shots(officer, 'statistics');
  await region.close();
  await imy.close();

  const ivo = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const partner = await signIn(ivo, 'handlaggare@ivo.example');
  await nav(partner).getByRole('link', { name: 'Tillsynsärenden' }).click();
  await partner.getByLabel('Ärenden').selectOption('shared');
  await partner.getByRole('button', { name: 'Filtrera' }).click();
  await partner.getByRole('link', { name: /^\d{4}-\d{4}$/ }).first().click();
  await partner.getByText('Delat med er myndighet').waitFor();
  assert.equal(await partner.getByText('Fatta beslut').count(), 0, 'the partner cannot decide');
  await expectAccessible(partner, 'a shared case');
  await shots(partner, 'shared');
  await nav(partner).getByRole('link', { name: 'Vägledning' }).click();
  await partner.getByRole('heading', { level: 1, name: 'Vägledning' }).waitFor();
  await ivo.close();

  const municipality = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const asby = await signIn(municipality, 'admin@asby.example');
  await nav(asby).getByRole('link', { name: /^Tillsyn/ }).click();
  await asby.getByRole('link', { name: /^\d{4}-\d{4}$/ }).first().click();
  assert.ok((await asby.textContent('main')).includes('1 av 2 åtgärder godkända'));
  await shots(asby, 'provider-order');
  await asby.goto(asby.url().replace(/\/supervision\/.*/, '/guidance'));
  await asby.getByRole('link', { name: 'Behörigheter och logguppföljning i socialtjänsten' }).click();
  await asby.getByRole('heading', { level: 2, name: 'Det här förväntar vi oss' }).waitFor();
  await expectAccessible(asby, 'a guidance document');
  await shots(asby, 'guidance');
  await municipality.close();
  assert.deepEqual(scriptErrors, []);
});

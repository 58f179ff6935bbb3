// A municipality with empty registers takes the guided start from its first step to its first
// submission: the starter kit, the information owner's confirmation, the requirements, a
// self-assessment, a risk analysis started from the kit's threats, a measure and a signed status
// report. axe-core checks the pages on the way, and none is wider than the screen at 1280 or 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, useBrowser, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

/// No horizontal overflow and no axe-core violation at either width; a screenshot of each.
async function check(page, name) {
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} at ${w} px is ${overflow} px wider than the window`);
    await expectAccessible(page, `${name} at ${w} px`);
    await page.screenshot({ path: `${SHOTS}start-${name}-${w}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function guide(page) {
  await page.goto(`${BASE}/start`);
  await page.getByRole('heading', { level: 1, name: 'Kom igång' }).waitFor();
  return page.textContent('main');
}

test("a new municipality goes from the guide's first step to its first submission", async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 800 } });
  const page = await signIn(context, 'admin@ostervik.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  // The overview sends the new organisation to the guide; its two members make step 1.
  await page.getByRole('link', { name: 'Fortsätt med guiden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Kom igång' }).waitFor();
  assert.ok((await page.textContent('main')).includes('1 av 8 steg klara'));
  await check(page, 'guide');

  // Step 2: adopt the safety alarm from the starter kit, the administrator as information owner.
  await page.locator('#step-adopt').getByRole('link', { name: 'Öppna startpaketet' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tillits startpaket för vård och omsorg' }).waitFor();
  assert.ok((await page.textContent('main')).includes('26 kap. 1 § OSL'), 'a municipality gets OSL');
  await check(page, 'kit');
  await page.getByLabel('Trygghetslarm', { exact: true }).check();
  await page.getByLabel('Informationsägare för det ni hämtar').selectOption({ label: 'Fatima Ali (Administratör)' });
  await page.getByRole('button', { name: 'Hämta till registren' }).click();
  await page.getByText('2 nya objekt finns nu i registren').waitFor();

  // Step 3: nothing counts as classified until the owner confirms the suggestion.
  assert.ok((await guide(page)).includes('2 av 8 steg klara'));
  await page.locator('#step-classify').getByRole('link', { name: 'Gör det här' }).click();
  await page.getByRole('link', { name: 'Trygghetslarm: larm och åtgärder' }).click();
  await page.getByRole('heading', { level: 3, name: 'Förslag från startpaketet' }).waitFor();
  await check(page, 'suggestion');
  await page.getByRole('button', { name: 'Bekräfta klassningen' }).click();
  await page.getByText('Klassningen har sparats.').waitFor();

  // Step 4: the requirements, marked as gone through.
  assert.ok((await guide(page)).includes('3 av 8 steg klara'));
  await page.locator('#step-requirements').getByRole('button', { name: 'Markera som klart' }).click();
  await page.getByText('Guiden är uppdaterad.').waitFor();

  // Step 5: a first self-assessment.
  await page.locator('#step-assess').getByRole('link', { name: 'Gör det här' }).click();
  await page.getByRole('link', { name: /STY-1/ }).first().click();
  await page.getByLabel('Uppfyllt', { exact: true }).check();
  await page.getByRole('button', { name: 'Spara bedömningen' }).click();
  await page.getByText('Bedömningen har sparats.').waitFor();

  // Step 6: a risk analysis of the alarm, a scenario started from the kit's threats.
  assert.ok((await guide(page)).includes('5 av 8 steg klara'));
  await page.locator('#step-risk').getByRole('link', { name: 'Gör det här' }).click();
  await page.getByRole('link', { name: 'Ny riskanalys' }).click();
  await page.getByLabel('Rubrik').fill('Trygghetslarmet 2026');
  await page.getByLabel('Trygghetslarm', { exact: true }).check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Riskanalysen har sparats.').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Vanliga hot för systemen i analysen' }).waitFor();
  await check(page, 'threats');
  await page.getByRole('link', { name: 'Börja ett scenario från hotet' }).first().click();
  const title = await page.getByLabel('Rubrik').inputValue();
  assert.ok(title.startsWith('Trygghetslarm: '), title);
  await page.getByLabel('Sannolikhet före åtgärder').selectOption('2');
  await page.getByLabel('Konsekvens före åtgärder').selectOption('3');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Scenariot har sparats.').waitFor();

  // Step 7: a measure against the risk.
  assert.ok((await guide(page)).includes('6 av 8 steg klara'));
  await page.locator('#step-measures').getByRole('link', { name: 'Gör det här' }).click();
  await page.getByRole('link', { name: 'Ny åtgärd' }).click();
  await page.getByLabel('Rubrik').fill('Larm med reservväg för kommunikation');
  await page.getByLabel('Klart senast').fill('2027-06-30');
  await page.getByLabel(title).check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Åtgärden har sparats.').waitFor();

  // Step 8: the first status report.
  assert.ok((await guide(page)).includes('7 av 8 steg klara'));
  await page.locator('#step-submit').getByRole('link', { name: 'Gör det här' }).click();
  await page.getByRole('region', { name: 'Skicka en lägesrapport' })
    .getByLabel('Inspektionen för vård och omsorg (demo)').check();
  await page.getByRole('button', { name: /Signera och skicka/ }).click();
  await page.getByText('Lägesrapporten är signerad och skickad.').waitFor();

  const done = await guide(page);
  assert.ok(done.includes('8 av 8 steg klara'), done);
  assert.ok(done.includes('Alla steg är klara eller överhoppade'));
  await check(page, 'guide-done');
  assert.deepEqual(scriptErrors, [], 'no script errors');
  await context.close();
});

// Incidents: the region's coordinator finds the demo's ongoing ransomware incident with its early
// warning sent and the incident notification due, registers a new breach through the form in
// Swedish local time, sees every obligation appear with its deadline and marks the IMY
// notification sent. axe-core checks each page; screenshots at 1280 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useBrowser, nav, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

async function shots(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}incidents-${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/// An instant as a datetime-local field in Swedish time takes it.
function swedishLocal(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

test('a coordinator follows the reporting of an incident and registers a new one', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  const page = await signIn(context, 'samordnare@norrfjall.example');
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));

  // The menu counts the reports to send (the demo region has some due).
  const menuLink = nav(page).getByRole('link', { name: /^Incidenter/ });
  assert.match(await menuLink.textContent(), /rapporter? att skicka/);
  await menuLink.click();
  await page.getByRole('heading', { level: 1, name: 'Incidenter' }).waitFor();
  await expectAccessible(page, 'the incident list');
  await shots(page, 'list');
  await page.getByRole('link', { name: 'Utpressningsprogram krypterar labbsystemet' }).click();
  const reporting = page.locator('section', { has: page.getByRole('heading', { name: 'Rapportering' }) });
  const text = await reporting.textContent();
  assert.ok(text.includes('CSIRT-2026-0412'), 'the early warning is marked sent with its reference');
  assert.ok(text.includes('Incidentanmälan') && /om \d+ h/.test(text), 'the notification counts down');
  await expectAccessible(page, 'an incident');
  await shots(page, 'incident');

  // A new breach, known since an hour ago.
  await page.goto(page.url().replace(/\/incidents\/.*/, '/incidents/new'));
  await page.getByLabel('Rubrik').fill('Journalkopior skickade till fel mottagare');
  await page.getByLabel('Kännedom').fill(swedishLocal(new Date(Date.now() - 3600 * 1000)));
  await page.getByLabel('Journalsystemet').check();
  await page.locator('fieldset#personal_data').getByLabel('Ja').check();
  await page.getByLabel('Risk för de registrerade').selectOption('risk');
  await page.getByLabel('Motivering av riskbedömningen').fill('Journalkopior om en patient har röjts för en annan.');
  await page.locator('fieldset#significant').getByLabel('Nej').check();
  await expectAccessible(page, 'the incident form');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByText('Incidenten har sparats.').waitFor();
  const after = await page.locator('section', { has: page.getByRole('heading', { name: 'Rapportering' }) }).textContent();
  assert.ok(after.includes('Anmälan av personuppgiftsincident') && after.includes('GDPR art. 33'));
  assert.ok(/om (2 dygn|\d+ h)/.test(after), 'IMY within 72 hours, counting down');
  await expectAccessible(page, 'a new incident');

  // The IMY notification marked sent with IMY's case number.
  const imy = page.getByRole('row', { name: /Anmälan av personuppgiftsincident/ });
  await imy.getByLabel('Mottagarens referens').fill('IMY-2026-9001');
  await imy.getByRole('button', { name: 'Markera som skickad' }).click();
  await page.getByText('Rapporten är markerad som skickad.').waitFor();
  assert.ok((await page.textContent('main')).includes('referens IMY-2026-9001'));
  const incidentUrl = page.url().split('?')[0];

  // The draft of the IMY notification: pre-filled, edited, saved, ready to print.
  await imy.getByRole('link', { name: 'Rapportutkast' }).click();
  await page.getByRole('heading', { level: 1, name: /Utkast: Anmälan av personuppgiftsincident till IMY/ }).waitFor();
  assert.ok((await page.textContent('main')).includes('Journalkopior om en patient har röjts för en annan.'));
  await expectAccessible(page, 'a report draft');
  await shots(page, 'draft');
  await page.getByRole('link', { name: 'Redigera utkastet' }).click();
  await page.getByLabel('Sannolika konsekvenser').fill('Patienten kan uppleva integritetsintrång.');
  await expectAccessible(page, 'the report draft form');
  await page.getByRole('button', { name: 'Spara utkastet' }).click();
  await page.getByText('Utkastet är sparat.').waitFor();
  assert.ok((await page.textContent('main')).includes('Patienten kan uppleva integritetsintrång.'));

  // An entry in the timeline.
  await page.goto(incidentUrl);
  await page.getByLabel('Vad som hände eller gjordes').fill('Mottagaren har raderat kopiorna.');
  await page.getByRole('button', { name: 'Lägg till i tidslinjen' }).click();
  await page.getByText('Händelsen är tillagd i tidslinjen.').waitFor();
  const timeline = await page.locator('section', { has: page.getByRole('heading', { name: 'Tidslinje' }) }).textContent();
  assert.ok(timeline.includes('Mottagaren har raderat kopiorna.') && timeline.includes('Organisationen fick kännedom'));
  await expectAccessible(page, 'an incident with its timeline');
  await shots(page, 'timeline');

  // The overview lists the reports to send; the follow-up counts incidents per month.
  await nav(page).getByRole('link', { name: 'Översikt' }).click();
  await page.getByRole('heading', { name: 'Incidentrapporter att skicka' }).waitFor();
  await expectAccessible(page, 'the overview with reports to send');
  await shots(page, 'overview');
  await nav(page).getByRole('link', { name: 'Uppföljning' }).click();
  await page.getByRole('heading', { name: 'Incidenter per månad' }).waitFor();
  await expectAccessible(page, 'the follow-up with incident statistics');
  await shots(page, 'followup');
  assert.deepEqual(scriptErrors, []);
  await context.close();
});

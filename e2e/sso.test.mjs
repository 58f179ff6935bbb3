// Single sign-on in the browser: the demo region's identity provider (a real OpenID provider,
// oidc-provider, started by scripts/e2e) is offered on the sign-in page; a coordinator signs in
// there, lands in Tillit, signs out of both; the administrator's sign-in settings are accessible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, useBrowser, expectAccessible, signIn } from './lib.mjs';

const browser = useBrowser();

test('a coordinator signs in with the region identity provider and out of both', async () => {
  for (const width of [1280, 390]) {
    const context = await browser().newContext({ locale: 'sv-SE', viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${BASE}/login`);
    const sso = page.getByRole('link', { name: 'Logga in med Region Norrfjälls identitetsleverantör' });
    await sso.waitFor();
    await expectAccessible(page, `sign-in page with a provider (${width})`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
      `the sign-in page fits ${width} px`);
    await page.screenshot({ path: `${SHOTS}sso-login-${width}.png`, fullPage: true });
    if (width === 390) { await context.close(); continue; }

    await sso.click();
    await page.getByRole('heading', { name: 'Region Norrfjälls inloggning' }).waitFor();
    await page.getByLabel('Användarnamn').fill('samordnare@norrfjall.example');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(/\/overview/);
    assert.ok((await page.textContent('main')).includes('Region Norrfjäll'));

    await page.getByRole('button', { name: /Logga ut/ }).click();
    await page.waitForURL(/\/login\?signed_out=/);
    await page.getByText('Du är utloggad från Tillit.').waitFor();
    await expectAccessible(page, 'signed out, with the provider sign-out offered');
    await page.getByRole('link', { name: 'Logga ut även från Region Norrfjälls identitetsleverantör' }).click();
    // The provider asks whether to sign out there too, then returns to Tillit's sign-in page.
    const confirm = page.getByRole('button', { name: /yes|sign me out/i });
    if (await confirm.count()) await confirm.first().click();
    await page.waitForURL((u) => u.href.startsWith(`${BASE}/login`));
    await context.close();
  }
});

test('a failed sign-in explains itself and gives no session', async () => {
  const context = await browser().newContext({ locale: 'sv-SE', viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  const res = await page.goto(`${BASE}/sso/callback?state=forged&code=x`);
  assert.equal(res.status(), 401);
  await page.getByRole('heading', { level: 1, name: 'Inloggningen misslyckades' }).waitFor();
  assert.ok((await page.textContent('main')).includes('Börja om från inloggningssidan'));
  await expectAccessible(page, 'failed sign-in');
  await page.screenshot({ path: `${SHOTS}sso-failed-390.png`, fullPage: true });
  await page.getByRole('link', { name: 'Till inloggningen' }).click();
  await page.waitForURL(/\/login/);
  await context.close();
});

test('the administrator sees the sign-in settings with the provider and what to register', async () => {
  for (const width of [1280, 390]) {
    const context = await browser().newContext({ locale: 'sv-SE', viewport: { width, height: 900 } });
    const page = await signIn(context, 'admin@norrfjall.example');
    await page.goto(`${BASE}/organisation/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Inloggning' }).waitFor();
    const main = await page.textContent('main');
    assert.ok(main.includes('Region Norrfjälls identitetsleverantör'));
    assert.ok(main.includes('TILLIT_OIDC_DEMO_SECRET'), 'where the secret is read from');
    assert.ok(!main.includes('tillit-test-secret'), 'never the secret itself');
    await page.getByText('Uppgifter att registrera hos identitetsleverantören').click();
    assert.ok((await page.textContent('main')).includes(`${BASE}/sso/callback`));
    await expectAccessible(page, `sign-in settings (${width})`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
      `the settings page fits ${width} px`);
    await page.screenshot({ path: `${SHOTS}sso-settings-${width}.png`, fullPage: true });

    // The form to add one: the secret field is a password field and stays empty.
    await page.getByRole('link', { name: 'Lägg till identitetsleverantör' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lägg till identitetsleverantör' }).waitFor();
    assert.equal(await page.getAttribute('#client_secret', 'type'), 'password');
    await expectAccessible(page, `new provider form (${width})`);
    await page.screenshot({ path: `${SHOTS}sso-provider-form-${width}.png`, fullPage: true });
    await context.close();
  }
});

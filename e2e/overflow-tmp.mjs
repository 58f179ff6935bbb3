import { chromium } from 'playwright-core';
const [url, email, path] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await b.newContext({ locale: 'sv-SE', viewport: { width: 390, height: 900 } });
const p = await ctx.newPage();
await p.goto(url + '/login');
await p.getByLabel('E-postadress').fill(email);
await p.getByLabel('Lösenord').fill('tillit-demo-2026');
await p.getByRole('button', { name: 'Logga in' }).click();
await p.waitForURL(/overview/);
await p.goto(url + path);
if (process.argv[5]) { await p.getByRole('link', { name: /^\d{4}-\d{4}$/ }).first().click(); await p.waitForLoadState(); }
const r = await p.evaluate(() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 15));
console.log(r.join('\n'));
await b.close();

// First run in a real browser: setup reports a bad email and a short password at once, the admin
// lands on the dashboard's checklist, switches to English and back, then imports the directory
// twice (the second import adds nobody). axe-core runs on every page; screenshots go to
// SCREENSHOTS when it is set.
import { mkdirSync } from 'node:fs';
import { launch, desktop, newPage, checkAxe, step } from './lib.mjs';

const base = process.env.BASE_URL;
const fixture = process.env.ACTORS_CSV;
const shots = process.env.SCREENSHOTS;
if (shots) mkdirSync(shots, { recursive: true });

const browser = await launch();
try {
  const page = await newPage(await desktop(browser));
  await page.goto(`${base}/`);
  if (new URL(page.url()).pathname !== '/setup') throw new Error(`a fresh install opens setup, not ${page.url()}`);
  await checkAxe(page, 'setup');
  await page.fill('#name', 'Awa Keïta');
  await page.fill('#email', 'pas-une-adresse');
  await page.fill('#password', 'court');
  await page.fill('#password_confirm', 'court');
  // The browser's own check would stop at the email; the server must report both fields.
  await page.evaluate(() => { document.querySelector('main form').noValidate = true; });
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  const errors = await page.$$eval('.field-error', (els) => els.map((e) => e.id));
  step(`setup errors: ${errors.sort().join(',')}`);
  if (!errors.includes('email-error') || !errors.includes('password-error')) throw new Error(`both reported: ${errors}`);
  await checkAxe(page, 'setup with errors');

  await page.fill('#email', 'awa@example.org');
  await page.fill('#password', process.env.PASSWORD);
  await page.fill('#password_confirm', process.env.PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  await page.locator('#first-steps').waitFor();
  step('dashboard with first steps');
  await checkAxe(page, 'dashboard (empty)');

  await Promise.all([page.waitForNavigation(), page.click('.lang-switch button')]);
  const english = await page.textContent('h1');
  step(`in English: ${english.trim()}`);
  if (!/Dashboard/.test(english)) throw new Error(`English heading: ${english}`);
  await Promise.all([page.waitForNavigation(), page.click('.lang-switch button')]);
  if (!/Tableau de bord/.test(await page.textContent('h1'))) throw new Error('back to French');
  step('back in French');

  for (const round of [1, 2]) {
    await page.goto(`${base}/actors/import`);
    await checkAxe(page, 'import');
    await page.setInputFiles('#file', fixture);
    await Promise.all([page.waitForURL(/\/actors\/import\/\d+$/), page.click('main form button[type=submit]')]);
    await page.locator('#new-rows').waitFor();
    const fresh = (await page.textContent('#new-rows')).trim();
    const known = (await page.textContent('#existing-rows')).trim();
    step(`import ${round}: new ${fresh}, known ${known}`);
    await checkAxe(page, `import preview ${round}`);
    await Promise.all([page.waitForNavigation(), page.click('main form button[name=mode][value=all]')]);
    step(`imported ${round}: ${(await page.textContent('#imported')).trim()}`);
  }

  await page.goto(`${base}/`);
  await checkAxe(page, 'dashboard');
  if (shots) await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
  step('done');
} finally {
  await browser.close();
}

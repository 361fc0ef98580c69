// A phone at the door: an organizer checks in twenty guests and three walk-ins in Chromium,
// one guest and one walk-in while the network is cut. Driven by tests/app/browser.rs, which
// then checks what the server stored. Usage: node checkin_offline.mjs (settings in the environment).
import { launch, phone, newPage, signIn, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, EVENT_ID, GUESTS, SCREENSHOT } = process.env;
const guests = JSON.parse(GUESTS);

const browser = await launch();
try {
  const context = await phone(browser);
  const page = await newPage(context);

  step('sign in');
  await signIn(page, BASE_URL, EMAIL, PASSWORD);

  step('open the check-in page');
  await page.goto(`${BASE_URL}/events/${EVENT_ID}/checkin`);
  await page.waitForSelector('#checkin[data-loaded]');
  // Guests are [invitation id, name]; homonyms exist, so rows are found by id.
  const row = (id) => page.locator(`#roster li[data-inv="${id}"]`);

  // Nineteen guests online, found by typing part of the name without accents.
  for (const [id, name] of guests.slice(0, 19)) {
    const typed = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(' ').pop().toLowerCase();
    await page.fill('#q', typed);
    await row(id).locator('button.mark').tap();
    await page.locator(`#roster li.present[data-inv="${id}"]`).waitFor();
  }
  await page.fill('#q', '');
  await page.waitForFunction(() => !localStorage.getItem(`toguna.checkin.${document.getElementById('checkin').dataset.event}`)?.includes('client_id'));
  step('19 guests sent');

  step('network cut');
  await context.setOffline(true);
  await page.fill('#q', guests[19][1]);
  await row(guests[19][0]).locator('button.mark').tap();
  await page.locator('#walk-in summary').tap();
  await page.check('input[name=gender][value=female]');
  await page.check('input[name=age_group][value=youth]');
  await page.selectOption('#category', 'youth_organization');
  await page.fill('#organization', 'Association des jeunes de Khasso');
  await page.locator('#walk-in-form button[type=submit]').tap();
  await page.locator('#sync-text', { hasText: '2 pointage' }).waitFor();
  const waiting = await page.textContent('#sync-text');
  step(`while offline the page says: ${waiting}`);
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: false });

  step('network back');
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator('#sync').waitFor({ state: 'hidden', timeout: 60000 });

  step('two more walk-ins online');
  for (const [gender, age, category] of [['male', 'elder', 'traditional_authority'], ['female', 'adult', 'women_organization']]) {
    await page.check(`input[name=gender][value=${gender}]`);
    await page.check(`input[name=age_group][value=${age}]`);
    await page.selectOption('#category', category);
    await page.locator('#walk-in-form button[type=submit]').tap();
  }
  await page.waitForFunction(() => JSON.parse(localStorage.getItem(`toguna.checkin.${document.getElementById('checkin').dataset.event}`) || '[]').length === 0);

  step('reload shows the server state');
  await page.reload();
  await page.waitForSelector('#checkin[data-loaded]');
  console.log(`present-count: ${(await page.textContent('#present-count')).trim()}`);
  console.log(`present-guests: ${(await page.textContent('#present-guests')).trim()}`);
} finally {
  await browser.close();
}

// Keyboard only, driven by tests/app/journeys/keyboard.rs: on the sign-in page Tab reaches the
// email, the password and the submit button in that order and Enter signs in; on the check-in
// page (phone size) Tab from the top reaches the skip link, which leads to the search, then the
// first "Présent" button, which Enter presses. Each control reached shows its focus ring.
// Settings: BASE_URL EMAIL PASSWORD EVENT_ID.
import { launch, phone, desktop, newPage, checkAxe, tabTo, focusRingShown, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, EVENT_ID } = process.env;
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.type === 'submit' ? '[submit]' : ''}` : '';
});
const fail = (message) => { throw new Error(message); };

async function ring(page, what) {
  if (!(await focusRingShown(page))) fail(`no focus ring on ${what}`);
}

async function signInByKeyboard(page) {
  await page.goto(`${BASE_URL}/login`);
  await checkAxe(page, 'sign-in');
  const toEmail = await tabTo(page, '#email');
  await ring(page, 'the email field');
  await page.keyboard.type(EMAIL);
  await page.keyboard.press('Tab');
  const second = await focused(page);
  await ring(page, 'the password field');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Tab');
  const third = await focused(page);
  await ring(page, 'the submit button');
  step(`login tab order: email at Tab ${toEmail}, then ${second}, then ${third}`);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  step(`signed in: ${new URL(page.url()).pathname}`);
}

const browser = await launch();
try {
  const page = await newPage(await desktop(browser));
  await signInByKeyboard(page);
  await page.context().close();

  const small = await newPage(await phone(browser));
  await signInByKeyboard(small);
  await small.goto(`${BASE_URL}/events/${EVENT_ID}/checkin`);
  await small.waitForSelector('#checkin[data-loaded]');
  await checkAxe(small, 'check-in (phone)');
  step(`focus on load: ${await focused(small)}`);
  const skip = await tabTo(small, 'a.skip-link');
  await ring(small, 'the skip link');
  await small.keyboard.press('Enter');
  step(`skip link at Tab ${skip} leads to: ${await focused(small)}`);
  // Tab by Tab from the search to the first "Présent" button, naming each control on the way.
  const path = [];
  for (let i = 0; i < 5; i++) {
    await small.keyboard.press('Tab');
    const here = await small.evaluate(() => {
      const el = document.activeElement;
      return { name: el.getAttribute('aria-label') || el.textContent.trim(), first: el.matches('#roster li:first-child button.mark') };
    });
    await ring(small, here.name);
    path.push(here.name);
    if (here.first) break;
  }
  step(`from the search: ${path.join(' → ')}`);
  const guest = await small.getAttribute('#roster li:first-child', 'data-inv');
  await small.keyboard.press('Enter');
  await small.locator(`#roster li.present[data-inv="${guest}"]`).waitFor();
  await small.waitForFunction((id) => (localStorage.getItem(`toguna.checkin.${id}`) || '[]') === '[]', EVENT_ID);
  step(`marked by keyboard: ${guest}`);
  await checkAxe(small, 'check-in (phone), one guest present');
  step('done');
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

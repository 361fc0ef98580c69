// The demo campaign as an organizer sees it, driven by tests/app/journeys/screens.rs: the page of
// the workshop that took place, its attendance statistics, and check-in at the door of the next
// one on a phone (390 × 844). axe-core runs on each page; SCREENSHOTS (optional) receives
// event.png, stats.png and checkin-phone.png for the README.
// Settings: BASE_URL EMAIL PASSWORD HELD_ID UPCOMING_ID.
import { mkdirSync } from 'node:fs';
import { launch, desktop, phone, newPage, signIn, checkAxe, scrollsSideways, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, HELD_ID, UPCOMING_ID, SCREENSHOTS } = process.env;
const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
const shot = async (page, name, fullPage = false, clip = undefined) => {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}`, fullPage, clip });
};
if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });

const browser = await launch();
try {
  const page = await newPage(await desktop(browser));
  await signIn(page, BASE_URL, EMAIL, PASSWORD);
  await page.goto(`${BASE_URL}/events/${HELD_ID}`);
  await checkAxe(page, 'event page (demo)');
  step(`event: ${(await texts(page, 'h1'))[0]} | ${(await texts(page, '#status'))[0]}`);
  await shot(page, 'event.png');

  await page.goto(`${BASE_URL}/events/${HELD_ID}/attendance/stats`);
  await checkAxe(page, 'attendance statistics (demo)');
  step(`stats: ${(await texts(page, 'h1'))[0]} | ${(await texts(page, `main a[href="/events/${HELD_ID}"]`))[0]}`);
  // The head of the page: the figures, the share of women, by sex, age and category.
  await shot(page, 'stats.png', true, { x: 0, y: 0, width: 1280, height: 1500 });
  await page.context().close();

  const door = await newPage(await phone(browser));
  await signIn(door, BASE_URL, EMAIL, PASSWORD);
  await door.goto(`${BASE_URL}/events/${UPCOMING_ID}/checkin`);
  await door.waitForSelector('#checkin[data-loaded]');
  step(`door guests: ${await door.getAttribute('#checkin', 'data-loaded')}`);
  for (const n of [1, 3, 4]) {
    await door.locator(`#roster li:nth-child(${n}) button.mark`).tap();
    await door.locator(`#roster li.present:nth-child(${n})`).waitFor();
  }
  await door.waitForFunction((id) => (localStorage.getItem(`toguna.checkin.${id}`) || '[]') === '[]', UPCOMING_ID);
  step(`door present: ${(await texts(door, '#present-count'))[0]}`);
  step(`door sideways: ${await scrollsSideways(door)}`);
  await checkAxe(door, 'check-in at the door (demo, phone)');
  await door.evaluate(() => document.activeElement.blur());
  await shot(door, 'checkin-phone.png');
  step('done');
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

// The door of a national launch on a phone (390 × 844), 2,000 guests: keyboard and screen-reader
// checks, the search timed with the CPU slowed 4×, a walk-in listed at once, the headcount grid
// without sideways scrolling, a mark made offline that survives a reload and is sent when the
// network returns. Driven by tests/app/browser.rs, which then checks what the server stored.
// Settings in the environment: BASE_URL EMAIL PASSWORD EVENT_ID GUESTS ([[id, name], …] in name
// order: the first two are used) SEARCH_NAME (a guest found by typing) and SCREENSHOT (optional).
import { launch, phone, newPage, signIn, checkAxe, tabTo, focusRingShown, throttleCpu, scrollsSideways, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, EVENT_ID, GUESTS, SEARCH_ID, SEARCH_NAME, SCREENSHOT } = process.env;
const guests = JSON.parse(GUESTS);
const list = `${BASE_URL}/events/${EVENT_ID}/checkin`;
const fail = (message) => { throw new Error(message); };
const queued = (page) => page.evaluate((id) => JSON.parse(localStorage.getItem(`toguna.checkin.${id}`) || '[]').length, EVENT_ID);

const browser = await launch();
try {
  const context = await phone(browser);
  const page = await newPage(context);
  step('sign in');
  await signIn(page, BASE_URL, EMAIL, PASSWORD);

  step('open the check-in page');
  await page.goto(list);
  await page.waitForSelector('#checkin[data-loaded]');
  console.log(`guests loaded: ${await page.getAttribute('#checkin', 'data-loaded')}`);
  if ((await page.evaluate(() => document.activeElement.id)) !== 'q') fail('the search has no focus on load');
  if (await scrollsSideways(page)) fail('the check-in page scrolls sideways');
  await checkAxe(page, 'check-in');

  step('keyboard only');
  const skip = await tabTo(page, 'a.skip-link', { max: 1 });
  if (!(await focusRingShown(page))) fail('no focus ring on the skip link');
  await page.keyboard.press('Enter');
  if ((await page.evaluate(() => document.activeElement.id)) !== 'q') fail('the skip link does not lead to the search');
  const toButton = await tabTo(page, '#roster li:first-child button.mark', { fromHere: true, max: 5 });
  if (!(await focusRingShown(page))) fail('no focus ring on the Present button');
  const fromTop = await tabTo(page, '#roster li:first-child button.mark');
  console.log(`keyboard: skip link at Tab ${skip}, first Present ${toButton} Tabs after the search, ${fromTop} from the top`);

  step('search timed with the CPU slowed 4×');
  const cdp = await throttleCpu(page, 4);
  const typed = SEARCH_NAME.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const steps = [];
  for (let i = 1; i <= typed.length; i++) steps.push(typed.slice(0, i));
  for (let i = typed.length - 1; i >= 0; i--) steps.push(typed.slice(0, i));
  // Three passes over the same keystrokes; each keystroke counts its best pass, so a pause of the
  // whole machine (a shared CI runner) is not taken for the page's own cost. The raw worst is printed too.
  const passes = [];
  for (let pass = 0; pass < 3; pass++) {
    passes.push(await page.evaluate((values) => {
      const input = document.getElementById('q');
      const out = [];
      for (const value of values) {
        const t0 = performance.now();
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        document.body.getBoundingClientRect(); // the layout of the new rows is part of the answer
        void document.getElementById('roster').offsetHeight;
        out.push({ ms: performance.now() - t0, rows: document.querySelectorAll('#roster li').length });
      }
      return out;
    }, steps));
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const times = steps.map((_, i) => Math.min(...passes.map((p) => p[i].ms)));
  const rawWorst = Math.max(...passes.flat().map((k) => k.ms));
  const worst = Math.max(...times);
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  console.log(`search keystroke (CPU 4× slower, ${await page.getAttribute('#checkin', 'data-loaded')} guests, ${times.length} keystrokes, best of 3 passes): median ${median.toFixed(2)} ms, worst ${worst.toFixed(2)} ms (raw worst of all passes ${rawWorst.toFixed(2)} ms)`);
  console.log(`search keystrokes (ms): ${times.map((t) => t.toFixed(1)).join(' ')}`);
  // The figure is printed, not asserted: a timed check fails on a busy machine, not on a slow page
  // (BENCHMARKS.md records a quiet run). What keeps a keystroke cheap is asserted instead: it lays
  // out at most one phone screen of rows (checkin.js's BATCH), whatever the 2,000 guests match.
  const laidOut = Math.max(...passes.flat().map((k) => k.rows));
  console.log(`search keystroke rows laid out: at most ${laidOut}`);
  if (laidOut > 12) fail(`a keystroke laid out ${laidOut} rows (at most 12, one phone screen)`);
  if (passes[0][0].rows !== 12) fail(`the first letter showed ${passes[0][0].rows} rows, not a full screen of 12`);

  step('check-in by search, the button named for its guest');
  await page.fill('#q', typed);
  const row = page.locator(`#roster li[data-inv="${SEARCH_ID}"]`);
  const named = row.getByRole('button', { name: `Présent ${SEARCH_NAME}`, exact: true });
  if ((await named.count()) !== 1) fail(`no button named "Présent ${SEARCH_NAME}"`);
  await named.tap();
  await page.locator(`#roster li.present[data-inv="${SEARCH_ID}"]`).waitFor();
  await page.waitForFunction((id) => (localStorage.getItem(`toguna.checkin.${id}`) || '[]') === '[]', EVENT_ID);
  if ((await row.getByRole('button', { name: `Annuler ${SEARCH_NAME}`, exact: true }).count()) !== 1) fail('the undo button does not name its guest');

  step('a walk-in listed at once');
  await page.locator('#walk-in summary').tap();
  await page.fill('#full_name', 'Kadiatou Traoré');
  await page.check('input[name=gender][value=female]');
  await page.check('input[name=age_group][value=youth]');
  await page.selectOption('#category', 'youth_organization');
  await page.fill('#organization', 'Association des jeunes de Khasso');
  await page.locator('#walk-in-form button[type=submit]').tap();
  const walkIn = page.locator('#walk-ins li', { hasText: 'Kadiatou Traoré' });
  if ((await walkIn.count()) !== 1) fail('the walk-in is not listed at once');
  await page.locator('#walk-ins li:not(.pending)', { hasText: 'Kadiatou Traoré' }).locator('form button').waitFor();
  await page.waitForTimeout(300);
  if (!(await page.isVisible('#walk-in-done'))) fail('the walk-in confirmation vanished');
  console.log(`walk-in confirmation: ${(await page.textContent('#walk-in-done')).trim()}`);
  if (await scrollsSideways(page)) fail('the check-in page scrolls sideways with the walk-in form open');

  step('the headcount grid on a phone');
  await page.goto(`${list}/headcount`);
  if (await scrollsSideways(page)) fail('the headcount page scrolls sideways');
  await checkAxe(page, 'headcount');
  const cards = await page.$$eval('#headcount-form tbody tr', (rows) => rows.map((tr) => {
    const th = tr.querySelector('th').getBoundingClientRect();
    const inputs = [...tr.querySelectorAll('input.count')].map((i) => i.getBoundingClientRect());
    const labels = [...tr.querySelectorAll('label.cell span')].map((s) => s.getBoundingClientRect().width > 0);
    return { th: th.width > 0 && th.right <= innerWidth, inputs: inputs.length, inside: inputs.every((r) => r.left >= 0 && r.right <= innerWidth && r.width >= 40), labels: labels.every(Boolean) };
  }));
  if (!cards.every((c) => c.th && c.inputs === 7 && c.inside && c.labels)) fail(`a category card is not readable: ${JSON.stringify(cards)}`);
  const cells = page.locator('#headcount-form input.count');
  await cells.nth(0).fill('4');
  await cells.nth(1).fill('3');
  await cells.nth(7 * 2 + 6).fill('5');
  const total = page.locator('#grid-total');
  if ((await total.textContent()).trim() !== '12') fail('the total is not 12');
  const box = await total.boundingBox();
  if (!box || box.y + box.height > 844 || box.y < 0) fail(`the total is out of view: ${JSON.stringify(box)}`);
  if (await scrollsSideways(page)) fail('the filled grid scrolls sideways');
  console.log(`headcount: ${cards.length} category cards at 390 px, total ${(await total.textContent()).trim()} in view`);
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-headcount.png') });
  await Promise.all([page.waitForNavigation(), page.locator('#headcount-form button[type=submit]').tap()]);

  step('offline: a mark kept through a reload');
  await page.goto(list);
  await page.waitForSelector('#checkin[data-loaded]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) fail('no service worker controls the page');
  await context.setOffline(true);
  const [offlineId, offlineName] = guests[1];
  await page.fill('#q', offlineName.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
  await page.locator(`#roster li[data-inv="${offlineId}"] button.mark`).tap();
  await page.locator('#sync-text', { hasText: '1 pointage' }).waitFor();
  console.log(`offline the page says: ${(await page.textContent('#sync-text')).trim()}`);
  const reloaded = await page.reload();
  if (!reloaded || reloaded.headers()['x-toguna-offline-copy'] !== '1') fail('the reload offline did not come from the offline copy');
  await page.waitForSelector('#checkin[data-loaded]');
  if ((await queued(page)) !== 1) fail('the queued mark did not survive the reload');
  await page.fill('#q', offlineName.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
  await page.locator(`#roster li.present[data-inv="${offlineId}"]`).waitFor();
  if ((await page.locator('#walk-ins li', { hasText: 'Kadiatou Traoré' }).count()) !== 1) fail('the walk-in is not listed in the offline copy');
  console.log(`offline reload: page from the offline copy, ${await queued(page)} mark waiting, ${offlineName} shown present`);
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });

  step('network back');
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator('#sync').waitFor({ state: 'hidden', timeout: 60000 });
  if ((await queued(page)) !== 0) fail('the mark was not sent');
  await page.reload();
  await page.waitForSelector('#checkin[data-loaded]');
  console.log(`present-guests: ${(await page.textContent('#present-guests')).trim()}`);
  console.log(`present-count: ${(await page.textContent('#present-count')).trim()}`);
} finally {
  await browser.close();
}

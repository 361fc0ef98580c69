// Shared pieces of the browser stories: launching Debian's Chromium, signing in, axe-core checks,
// keyboard walks and CPU throttling. Each story imports what it needs:
//   import { launch, phone, desktop, signIn, checkAxe, tabTo, throttleCpu, step } from './lib.mjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Prints one line the Rust side can look for (and a reader of a failed run can follow). */
export const step = (text) => console.log(`step: ${text}`);

/** Chromium from CHROMIUM or /usr/bin/chromium, headless, fit for a container. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A phone-sized context (390 × 844, touch), French unless told otherwise. */
export function phone(browser, locale = 'fr-FR') {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale });
}

/** A desktop-sized context (1280 × 800). */
export function desktop(browser, locale = 'fr-FR') {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
}

/** A page whose script errors fail the story (the exit code is set; the story goes on to report). */
export async function newPage(context) {
  const page = await context.newPage();
  // A shared CI machine running the whole suite can be three times slower than a quiet one:
  // waits get room (a wait that succeeds returns as soon as it can).
  page.setDefaultTimeout(90000);
  page.setDefaultNavigationTimeout(90000);
  page.on('pageerror', (e) => {
    console.error(`page error: ${e.message}`);
    process.exitCode = 1;
  });
  return page;
}

/** Signs in through the login form and waits for the page it leads to. */
export async function signIn(page, baseUrl, email, password) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  if (new URL(page.url()).pathname === '/login') throw new Error(`sign-in as ${email} failed`);
}

let axeSource = null;

/**
 * Runs axe-core on the page as it is now and throws when a violation of impact serious or
 * critical is found; lesser ones are printed. Injected through the debugging protocol, so the
 * site's CSP (no inline script) stays as it is for the page itself.
 */
export async function checkAxe(page, label) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result) console.log(`axe ${label}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`);
  console.log(`axe ${label}: ${serious.length} serious or critical, ${result.length - serious.length} minor`);
  if (serious.length) throw new Error(`axe-core on ${label}: ${serious.map((v) => v.id).join(', ')}`);
  return result;
}

/**
 * Presses Tab until the focused element matches `selector` and returns the number of presses,
 * or throws after `max`. Starts from the top of the page unless `fromHere` is set (then from the
 * element that has focus now).
 */
export async function tabTo(page, selector, { max = 60, fromHere = false } = {}) {
  // From the top: focus a mark put before everything (tabindex -1: not itself in the tab order).
  if (!fromHere) {
    await page.evaluate(() => {
      const mark = document.createElement('span');
      mark.tabIndex = -1;
      mark.id = 'tab-walk-start';
      document.body.prepend(mark);
      mark.focus();
    });
  }
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate((sel) => {
      const el = document.activeElement;
      return { match: !!el && el.matches(sel), name: el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` : '' };
    }, selector);
    if (hit.match) {
      await page.evaluate(() => document.getElementById('tab-walk-start')?.remove());
      return i;
    }
  }
  throw new Error(`Tab never reached ${selector} in ${max} presses`);
}

/** Whether the focused element shows a focus ring (an outline or box shadow at least 2 px). */
export function focusRingShown(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    return outline || (s.boxShadow && s.boxShadow !== 'none');
  });
}

/** Slows the page's CPU `rate` times (Chrome DevTools Protocol Emulation.setCPUThrottlingRate). */
export async function throttleCpu(page, rate) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}

/** Whether the document scrolls sideways (the phone layouts must not). */
export function scrollsSideways(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
}

// Two pages that used to overflow a phone, opened at 390 × 844: the import preview (with rejected
// lines and rows already in the directory) and the traceability pages of a report with a published
// version (which debate changed what). Each must not scroll sideways and must pass axe-core.
// Driven by tests/app/browser.rs. Settings in the environment: BASE_URL EMAIL PASSWORD
// IMPORT_FILE (a CSV path) REPORT_ID VERSION (a published version number) SCREENSHOT_DIR (optional).
import { launch, phone, newPage, signIn, checkAxe, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, IMPORT_FILE, REPORT_ID, VERSION, SCREENSHOT_DIR } = process.env;

/** The widest element sticking out of the viewport, to say what overflows when something does. */
const widest = (page) =>
  page.evaluate(() => {
    let worst = null;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && (!worst || r.right > worst.right)) {
        // Only what the page scrolls for: an element inside a scrolling box does not count.
        let inside = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') { inside = true; break; }
        }
        if (!inside) worst = { right: Math.round(r.right), tag: el.tagName.toLowerCase(), cls: el.className?.baseVal ?? el.className, id: el.id };
      }
    }
    return worst;
  });

/** Visible text cut off at the left edge (an SVG label anchored at its end, a negative margin). */
const cutOnTheLeft = (page) =>
  page.evaluate(() => {
    const cut = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.children.length || !el.textContent.trim() || !el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.left < -0.5) cut.push(el.textContent.trim().slice(0, 40));
    }
    return cut;
  });

/** Measures the sideways overflow of the page as it is now, then runs axe-core. */
async function check(page, label) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(`${label}: scrollWidth ${width}`);
  const cut = await cutOnTheLeft(page);
  if (cut.length) throw new Error(`${label}: text cut off at the left edge: ${cut.join(' | ')}`);
  if (width > 390) {
    console.log(`${label}: overflowing ${JSON.stringify(await widest(page))}`);
    throw new Error(`${label} scrolls sideways: document ${width} px wide at 390 px`);
  }
  await checkAxe(page, label);
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/phone-${label}.png`, fullPage: true });
}

const browser = await launch();
try {
  const context = await phone(browser);
  const page = await newPage(context);
  step('sign in');
  await signIn(page, BASE_URL, EMAIL, PASSWORD);

  step('upload a file with rejected lines and rows already in the directory');
  await page.goto(`${BASE_URL}/actors/import`);
  await page.setInputFiles('#file', IMPORT_FILE);
  await Promise.all([page.waitForURL(/\/actors\/import\/\d+$/), page.click('main form button[type=submit]')]);
  const counts = await page.evaluate(() => ({
    existing: document.getElementById('existing-rows')?.textContent,
    errors: document.getElementById('error-count')?.textContent,
    rejected: document.querySelectorAll('table.preview tr.bad').length,
  }));
  console.log(`preview: ${counts.existing} existing, ${counts.errors} errors, ${counts.rejected} rejected rows shown`);
  await check(page, 'import-preview');

  step('the traceability page of the report');
  await page.goto(`${BASE_URL}/reports/${REPORT_ID}/traceability`);
  await check(page, 'traceability');

  step('the published version, with what each debate changed');
  await page.goto(`${BASE_URL}/reports/${REPORT_ID}/versions/${VERSION}`);
  await check(page, 'version');
  console.log('phone pages: done');
} finally {
  await browser.close();
}

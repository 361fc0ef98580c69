// The rapporteur and editor journey in Chromium, in two acts driven by tests/app/journeys/report.rs:
//   MODE=record: the rapporteur records two outcomes on the debate page of the event that took place;
//   MODE=review: the editor accepts the first with an edited section text, publishes version 2 after
//                the confirmation page and reads the diff of version 2 (with its outcome behind).
// Settings: BASE_URL EMAIL PASSWORD EVENT_ID REPORT_ID OUTCOMES ([{section, summary, proposed}, …])
// EDITED (the text the editor keeps) and SCREENSHOTS (optional folder).
// axe-core runs on every page visited; a serious or critical violation fails the story.
import { mkdirSync } from 'node:fs';
import { launch, desktop, newPage, signIn, checkAxe, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, EVENT_ID, REPORT_ID, MODE, OUTCOMES, EDITED, SCREENSHOTS } = process.env;
const outcomes = JSON.parse(OUTCOMES || '[]');
const report = `${BASE_URL}/reports/${REPORT_ID}`;
const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
const path = (page) => new URL(page.url()).pathname;

async function submitAndWait(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function record(browser) {
  const page = await newPage(await desktop(browser));
  await signIn(page, BASE_URL, EMAIL, PASSWORD);
  await page.goto(`${BASE_URL}/events/${EVENT_ID}/debate`);
  await checkAxe(page, 'debate page');
  for (const [i, o] of outcomes.entries()) {
    await page.selectOption('#section_id', String(o.section));
    await page.selectOption('#kind', 'amendment');
    await page.selectOption('#agreement', 'consensus');
    await page.fill('#summary', o.summary);
    await page.fill('#proposed_text', o.proposed);
    await page.check('#outcome-form input[name=voiced_by][value=women_organization]');
    await submitAndWait(page, '#outcome-form button[type=submit]');
    step(`outcome ${i + 1}: ${(await texts(page, '.flash'))[0]} | total ${(await texts(page, '#outcomes-total'))[0]}`);
    await checkAxe(page, `debate page, outcome ${i + 1} saved`);
  }
  step(`listed: ${(await texts(page, '#outcomes-by-section .summary')).join(' | ')}`);
}

async function review(browser) {
  const page = await newPage(await desktop(browser));
  await signIn(page, BASE_URL, EMAIL, PASSWORD);
  await page.goto(`${report}/review`);
  await checkAxe(page, 'review inbox');
  step(`inbox: ${(await texts(page, 'article.review-outcome .summary')).join(' | ')}`);

  const [first] = outcomes;
  const group = page.locator(`#group-${first.section}`);
  await group.locator('article.review-outcome', { hasText: first.summary }).locator('input[name=outcome_ids]').check();
  await group.locator('input[name=decision][value=accepted]').check();
  await group.locator('textarea[name=rationale]').fill('Constat confirmé par les participantes de Kayes.');
  await group.locator('details.section-edit summary').click();
  await group.locator('input[name=edit_section]').check();
  await group.locator('textarea[name=section_body]').fill(EDITED);
  await checkAxe(page, 'review inbox, decision filled in');
  await Promise.all([page.waitForNavigation(), group.locator('fieldset.decision-box button[type=submit]').click()]);
  step(`decided: ${path(page)} ${(await texts(page, '.flash'))[0]}`);
  await checkAxe(page, 'review inbox, after the decision');

  await page.goto(report);
  await checkAxe(page, 'report page');
  await page.fill('#label', 'Après la restitution de Kayes');
  await submitAndWait(page, '#publish button[type=submit]');
  step(`publish-page: ${path(page)}`);
  step(`publish-consequences: ${(await texts(page, '#consequences li')).join(' | ')}`);
  await checkAxe(page, 'publish confirmation');
  await submitAndWait(page, '#confirm-button');
  step(`version-page: ${path(page)} ${(await texts(page, 'h1'))[0]}`);
  await checkAxe(page, 'version diff');
  const change = `#change-${first.section}`;
  step(`inserted: ${(await texts(page, `${change} .change-text .diff ins`)).join(' | ')}`);
  step(`deleted: ${(await texts(page, `${change} .change-text .diff del`)).join(' | ')}`);
  step(`decision-edit: ${(await texts(page, `${change} .outcome-edit .diff > *`)).join(' | ')}`);
  step(`behind: ${(await texts(page, `${change} .outcome-behind`)).join(' | ')}`);
  step(`changed-sections: ${(await page.$$eval('article.change', (els) => els.map((e) => e.dataset.section))).join(',')}`);
  if (SCREENSHOTS) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/version-diff.png`, fullPage: true });
  }

  await page.goto(`${report}/compare?a=0&b=2`);
  await checkAxe(page, 'free comparison');
  await page.goto(`${report}/versions/2/print`);
  await checkAxe(page, 'version print page');
  step('done');
}

const browser = await launch();
try {
  if (MODE === 'record') await record(browser);
  else await review(browser);
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

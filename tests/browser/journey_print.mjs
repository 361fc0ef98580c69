// Letters and the sign-in sheet printed to PDF by Chromium (page.pdf, print media, the pages' own
// @page sizes), then the admin reads a sent invitation in the outbox. Driven by
// tests/app/journeys/printed.rs, which counts the PDF pages with pdfinfo and reads each with pdftotext.
// Settings: BASE_URL EMAIL (organizer) ADMIN_EMAIL PASSWORD EVENT_ID OUT (folder for the PDFs).
// axe-core runs on every page visited; a serious or critical violation fails the story.
import { launch, desktop, newPage, signIn, checkAxe, step } from './lib.mjs';

const { BASE_URL, EMAIL, ADMIN_EMAIL, PASSWORD, EVENT_ID, OUT } = process.env;
const event = `${BASE_URL}/events/${EVENT_ID}`;

const browser = await launch();
try {
  const page = await newPage(await desktop(browser));
  await signIn(page, BASE_URL, EMAIL, PASSWORD);

  await page.goto(`${event}/letters`);
  await checkAxe(page, 'letters page');
  step(`letters on screen: ${await page.locator('article.letter').count()}`);
  await page.pdf({ path: `${OUT}/letters.pdf`, preferCSSPageSize: true, printBackground: true });
  step('letters printed');

  await page.goto(`${event}/checkin/sheet`);
  await checkAxe(page, 'sign-in sheet');
  step(`sheet rows on screen: ${await page.locator('table.sheet tbody tr').count()}`);
  await page.pdf({ path: `${OUT}/sheet.pdf`, preferCSSPageSize: true, printBackground: true });
  step('sheet printed');
  await page.context().close();

  const admin = await newPage(await desktop(browser));
  await signIn(admin, BASE_URL, ADMIN_EMAIL, PASSWORD);
  await admin.goto(`${BASE_URL}/admin/outbox`);
  await checkAxe(admin, 'outbox');
  const first = admin.locator('main a[href^="/admin/outbox/"]').first();
  await Promise.all([admin.waitForNavigation(), first.click()]);
  step(`outbox message: ${new URL(admin.url()).pathname} | ${await admin.title()} | lang ${await admin.getAttribute('html', 'lang')}`);
  await checkAxe(admin, 'outbox message');
  step('done');
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

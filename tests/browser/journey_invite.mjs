// The invitation journey in Chromium, in two acts driven by tests/app/invite_journey.rs:
//   MODE=build:  the organizer builds the guest list by filter, confirms and sends the invitations;
//   MODE=answer: the invitee opens LINK from the received mail in a fresh context, confirms
//                "I will attend" with COMMENT; the organizer sees answer and comment, then cancels
//                the event after confirming (the Rust side checks the CANCELs on its SMTP server).
// axe-core runs on every page visited; a serious or critical violation fails the story.
import { launch, desktop, phone, newPage, signIn, checkAxe, scrollsSideways, step } from './lib.mjs';

const { BASE_URL, EMAIL, PASSWORD, EVENT_ID, MODE, LINK, COMMENT } = process.env;
const eventUrl = `${BASE_URL}/events/${EVENT_ID}`;
const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));

async function submitAndWait(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function build(browser) {
  const page = await newPage(await desktop(browser));
  await signIn(page, BASE_URL, EMAIL, PASSWORD);
  await page.goto(eventUrl);
  await checkAxe(page, 'event page, empty list');
  await page.fill('#g-region', 'Kayes');
  await submitAndWait(page, `form[action="/events/${EVENT_ID}/guests"] button[type=submit]`);
  step(`guest-total: ${(await texts(page, '#guest-total'))[0]}`);
  await checkAxe(page, 'event page, guest list');
  await submitAndWait(page, '#send-invitations');
  step(`send-page: ${new URL(page.url()).pathname}`);
  await checkAxe(page, 'send confirmation');
  step(`send-consequences: ${(await texts(page, '#consequences li')).join(' | ')}`);
  await submitAndWait(page, '#confirm-button');
  step(`after-send: ${new URL(page.url()).pathname}`);
  await checkAxe(page, 'event page, sending');
}

async function answer(browser) {
  const invitee = await newPage(await phone(browser));
  await invitee.goto(`${LINK}?answer=accepted`);
  await checkAxe(invitee, 'answer page, confirm');
  step(`confirm-button: ${(await texts(invitee, '#confirm-answer'))[0]}`);
  step(`answer-sideways: ${await scrollsSideways(invitee)}`);
  await invitee.fill('#comment', COMMENT);
  await submitAndWait(invitee, '#confirm-answer');
  step(`after-answer: ${new URL(invitee.url()).pathname}${new URL(invitee.url()).search} ${await invitee.title()}`);
  step(`recorded: ${(await texts(invitee, '#recorded'))[0]}`);
  await checkAxe(invitee, 'answer page, recorded');
  await invitee.context().close();

  const organizer = await newPage(await desktop(browser));
  await signIn(organizer, BASE_URL, EMAIL, PASSWORD);
  await organizer.goto(`${eventUrl}?comment=yes`);
  await checkAxe(organizer, 'event page, guests with a comment');
  const row = '#guest-table tbody tr';
  step(`rows-with-comment: ${(await texts(organizer, row)).length}`);
  step(`answered: ${(await texts(organizer, `${row} .guest-name`))[0]} | ${(await texts(organizer, `${row} .answer`))[0]} | ${(await texts(organizer, `${row} .answer-comment`))[0]}`);

  const small = await newPage(await phone(browser));
  await signIn(small, BASE_URL, EMAIL, PASSWORD);
  await small.goto(eventUrl);
  step(`event-sideways-390: ${await scrollsSideways(small)}`);
  await checkAxe(small, 'event page at 390 px');
  await small.context().close();

  await submitAndWait(organizer, '#cancel-event');
  step(`cancel-page: ${new URL(organizer.url()).pathname}`);
  await checkAxe(organizer, 'cancel confirmation');
  step(`cancel-consequences: ${(await texts(organizer, '#consequences li')).join(' | ')}`);
  await submitAndWait(organizer, '#confirm-button');
  step(`status: ${(await texts(organizer, '#status'))[0]}`);
  await checkAxe(organizer, 'event page, cancelled');
}

const browser = await launch();
try {
  if (MODE === 'build') await build(browser);
  else await answer(browser);
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

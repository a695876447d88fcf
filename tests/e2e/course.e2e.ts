// The whole course in one sitting (issue 22): one learner, one browser profile, from the home page
// through every lesson by its "Next →" link, doing only what each exercise's prompt (or the lesson
// text it points to) says, through the UI. Every self-checking exercise must tick, and the ticks
// must survive a reload and show on the home page. Each exercise's steps quote the sentence they
// follow (tests/e2e/course/); the time each took is printed at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, watchForeignRequests, type App, type Page } from './harness';
import { lessonExercises } from '../lessonExercises';
import { Learner } from './course/learner';
import { lesson1, lesson2, lesson3, lesson4, lesson5, lesson6 } from './course/lessons1to6';
import { lesson7, lesson8, lesson9, lesson10, lesson11 } from './course/lessons7to11';

let app: App;
let page: Page;
let learner: Learner;
let foreign: string[];
const errors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  page = await app.browser.newPage();
  foreign = watchForeignRequests(page, app.baseUrl);
  page.on('pageerror', (e) => errors.push(e.message));
  learner = new Learner(page);
});

afterAll(async () => {
  if (learner?.records.length) {
    console.log(
      'course test, seconds per exercise (from its first step to its tick):\n' +
        learner.records.map((r) => `  ${r.lesson} · ${r.exercise}: ${r.seconds.toFixed(1)} s — follows “${r.follows.slice(0, 90)}${r.follows.length > 90 ? '…' : ''}”`).join('\n'),
    );
  }
  await app?.close();
});

const LESSONS = [lesson1, lesson2, lesson3, lesson4, lesson5, lesson6, lesson7, lesson8, lesson9, lesson10, lesson11];

describe('the whole course in one sitting, in real Chromium', () => {
  for (const [i, play] of LESSONS.entries()) {
    it(`lesson ${i + 1}: its self-checking exercises tick from what the prompts say`, async () => {
      if (i === 0) await learner.startFromHome(app.baseUrl);
      else await learner.nextLesson();
      expect(learner.lesson).toMatch(new RegExp(`^${String(i + 1).padStart(2, '0')}-`));
      await play(learner);
      expect(errors).toEqual([]);
    }, 900_000);
  }

  it('ticked every self-checking exercise of every lesson; the ticks survive a reload and the home page counts them', async () => {
    const lessons = lessonExercises();
    const ticked = new Map<string, string[]>();
    for (const r of learner.records) ticked.set(r.lesson, [...(ticked.get(r.lesson) ?? []), r.exercise]);
    for (const [slug, { selfChecking }] of lessons) expect(ticked.get(slug) ?? [], slug).toEqual(selfChecking);

    // A reload of each lesson shows the same ticks, and no others.
    for (const [slug, { all, selfChecking }] of lessons) {
      if (all.length === 0) continue;
      await page.goto(new URL(`#/lesson/${slug}`, app.baseUrl).href);
      await page.reload();
      await expect.poll(() => page.locator('li[data-exercise]').count(), { timeout: 30_000 }).toBe(all.length);
      for (const id of all) {
        expect(await page.locator(`li[data-exercise="${id}"] input[type="checkbox"]`).isChecked(), `${slug} · ${id}`).toBe(selfChecking.includes(id));
      }
    }

    // The home page: each lesson says how many of its exercises are ticked.
    await page.goto(app.baseUrl);
    const cards = page.locator('li.lesson-card');
    await expect.poll(() => cards.count()).toBe(lessons.size);
    for (const [n, { all, selfChecking }] of [...lessons.values()].entries()) {
      if (all.length === 0) continue;
      expect(await cards.nth(n).locator('.count').textContent()).toBe(`· ${selfChecking.length} of ${all.length} exercises`);
      // "Done" follows the ticks: a lesson whose every exercise is ticked is done.
      if (selfChecking.length === all.length) expect(await cards.nth(n).locator('.progress-marker').textContent()).toMatch(/Done/);
    }
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});

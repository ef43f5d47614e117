/**
 * The trainer's work in the app, at a projector's 1280×720: a shipped lesson opened from the sidebar, its drill
 * panel out of sight; predictions given before the reveal, which waits for the step's pause; the reveal scores
 * them against the run and locks them; the scorecard exported says the same; presenter mode puts the narrative
 * at 16 px or more beside a graph whose text stays at 12 px or more.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, chromiumAvailable, clockOf, openApp, smallestNodeText, type AppUnderTest } from "./browser";

const LESSON = "03-cross-region-latency.yaml";

describe.skipIf(!chromiumAvailable)("the trainer's work", () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp({ scenario: "eu-region-outage.yaml", viewport: { width: 1280, height: 720 } });
  }, 120_000);
  afterAll(() => app?.close());

  it("plays a lesson: predict, reveal at the pause, score, export the scorecard, and present it", async () => {
    const { page } = app;
    await page.getByTestId(`lesson-${LESSON}`).click();
    await expect.poll(() => page.getByTestId("lesson-title").textContent()).toBe("Cross-region latency: a fallback that is up but too slow");
    // The drill panel would answer the questions before the reveal.
    expect(await page.getByTestId("drill-panel").isVisible()).toBe(false);
    expect(await page.getByTestId("toggle-sidebar").isDisabled()).toBe(true);

    const question = (id: string) => page.getByTestId(`lesson-question-${id}`);
    await page.getByTestId("lesson-answer-reroute").fill("50");
    await page.getByTestId("lesson-answer-reroute").press("Enter");
    await page.getByTestId("lesson-answer-us-in-eu-1").click();
    await page.locator('[data-testid="lesson-answer-us-in-eu-1"]:checked').waitFor();
    expect(await page.getByTestId("lesson-reveal").isDisabled()).toBe(true);

    await page.getByTestId("speed").selectOption("100");
    await page.getByTestId("play").click();
    await page.locator('[data-testid="lesson-reveal"]:enabled').waitFor({ timeout: 60_000 });
    // Time stopped at the step's pause, exactly.
    expect(await clockOf(page)).toBe(110_000);
    await page.getByTestId("lesson-reveal").click();
    await page.getByTestId("lesson-reveal-reroute").waitFor();

    // 50 s against a reroute the run measured in well under a second (tolerance 2 s).
    expect(await question("reroute").getAttribute("data-verdict")).toBe("wrong");
    expect(await page.getByTestId("lesson-reveal-reroute").textContent()).toMatch(/The run: [\d.]+ s \(accepted 0 to [\d.]+\)/);
    const choice = (await question("us-in-eu").getAttribute("data-verdict"))!;
    const right = (await page.getByTestId("lesson-reveal-us-in-eu").textContent())!.includes("No: nothing binds US requests to the US here");
    expect(choice).toBe(right ? "right" : "wrong");
    expect(await page.getByTestId("lesson-answer-reroute").isDisabled()).toBe(true);
    expect(await page.getByTestId("lesson-progress").textContent()).toBe(`Step 1 of 2 · ${right ? 1 : 0} of 2 answers right`);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("lesson-scorecard-json").click()]);
    const saved = join(ARTIFACTS, "lesson-scorecard.json");
    await download.saveAs(saved);
    const card = JSON.parse(readFileSync(saved, "utf8")) as { score: unknown; questions: { question: string; answer: string; correct: boolean }[] };
    expect(card.score).toEqual({ correct: right ? 1 : 0, revealed: 2, total: 4 });
    expect(card.questions.map((q) => [q.question, q.answer, q.correct])).toEqual([
      ["reroute", "50 s", false],
      ["us-in-eu", "No: nothing binds US requests to the US here", right],
    ]);

    await page.getByTestId("lesson-presenter").click();
    await expect.poll(() => page.getByTestId("app").getAttribute("data-presenter")).toBe("true");
    expect(await page.locator(".dock").isVisible()).toBe(false);
    // A string: the tests compile without the DOM's types.
    const narrativePx = Number(await page.evaluate(`parseFloat(getComputedStyle(document.querySelector(".lesson-narrative p")).fontSize)`));
    expect(narrativePx).toBeGreaterThanOrEqual(16);
    await expect.poll(() => smallestNodeText(page)).toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: join(ARTIFACTS, "lesson-presenter-1280x720.png") });

    await page.getByTestId("lesson-next").click();
    await expect.poll(() => page.getByTestId("lesson-progress").textContent()).toMatch(/^Step 2 of 2/);
    await page.getByTestId("lesson-close").click();
    await page.getByTestId("lesson-pane").waitFor({ state: "detached" });
    expect(await page.getByTestId("app").getAttribute("data-presenter")).toBe("false");
  }, 120_000);
});

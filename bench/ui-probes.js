// Runs inside the page (bench/ui.ts evaluates this file's text there), so it is plain browser JavaScript:
// code that went through tsx would carry helper calls the page does not define.
/* exported sampleFrames, scrollAudit */

/** requestAnimationFrame intervals and main-thread long tasks over `duration` ms. */
async function sampleFrames(duration) {
  const frames = [];
  let longTaskMs = 0;
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => (longTaskMs += entry.duration)));
  observer.observe({ type: "longtask", buffered: false });
  await new Promise((resolve) => {
    let last = performance.now();
    const end = last + duration;
    const frame = (now) => {
      frames.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
  observer.disconnect();
  return { frames, longTaskMs };
}

/** Scrolls the audit list top to bottom in `steps` frames, then jumps to the middle and waits for real rows. */
async function scrollAudit(steps) {
  const list = document.querySelector(".audit-list");
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const frames = [];
  let last = performance.now();
  for (let i = 1; i <= steps; i++) {
    list.scrollTop = (list.scrollHeight - list.clientHeight) * (i / steps);
    const now = await nextFrame();
    frames.push(now - last);
    last = now;
  }
  const jumpStart = performance.now();
  list.scrollTop = (list.scrollHeight - list.clientHeight) / 2;
  for (;;) {
    await nextFrame();
    const rows = list.querySelectorAll('[data-testid="audit-row"]').length;
    if (rows > 0 && list.querySelectorAll(".audit-row--placeholder").length === 0) break;
  }
  return { frames, jumpMs: performance.now() - jumpStart, rowsInDom: list.querySelectorAll(".audit-row").length };
}

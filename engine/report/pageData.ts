/**
 * What the HTML report hands its page script: `renderHtmlReport` writes it as JSON into the element
 * `#report-data`, and report-page/main.ts reads it there. A leaf module, with no imports, so the
 * browser-side code can take its types without taking the engine.
 */

/** One virtual second of traffic, as plotted: the recorder's `SecondPoint`. */
export interface ReportPageSecond {
  readonly t_s: number;
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  readonly rejected: number;
  /** ms; null when no request was served that second. */
  readonly p95_ms: number | null;
}

export interface ReportPageData {
  /** Seconds with at least one answered request, in time order. */
  readonly series: readonly ReportPageSecond[];
  /** Each fault's id and when it was active, virtual seconds; `heal_s` null when it lasted to the end. */
  readonly faults: readonly { readonly id: string; readonly at_s: number; readonly heal_s: number | null }[];
  /** The charts' right edge, virtual seconds: the run, or the last answer of the drain after it. */
  readonly end_s: number;
}

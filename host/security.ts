/**
 * The content security policy of the UI, whichever host serves it: both hosts send it with every file of the
 * UI (`host/staticFiles.ts`: browser mode's HTTP server and the desktop app's `app://lab` protocol), and
 * `renderer/index.html` repeats it in a meta tag, so the page carries it however it is opened. Inline styles
 * are allowed because React Flow positions nodes with style attributes; scripts come only from the app's own files.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

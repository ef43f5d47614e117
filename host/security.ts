/**
 * The content security policy of the UI, whichever host serves it: Electron's main process adds it to every
 * response, the browser-mode host sends it with every file, and `renderer/index.html` repeats it in a meta
 * tag for `file:` pages, where Electron may not apply response headers. Inline styles are allowed because
 * React Flow positions nodes with style attributes; scripts come only from the app's own files.
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

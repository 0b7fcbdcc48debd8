// The document every hosted page shares: one HTML file with inline CSS, no external assets, and the
// escaping that keeps every supplied string inert.

/** HTML-escapes text for element content and (double-quoted) attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Colours (on #fff): text #1a1a1a 17.4:1, hints #4a4a4a 8.9:1, errors #b3261e 6.5:1, links/buttons
// #0b57d0 6.4:1, success border #1e7a3c 5.4:1. Focus: 3px #0b57d0 outline, offset so it shows on the button.
const CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { color-scheme: light; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #1a1a1a; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.0625rem; line-height: 1.5; }
.page { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.875rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 0 0 .75rem; }
p { margin: 0 0 1rem; }
a { color: #0b57d0; text-decoration: underline; text-underline-offset: .15em; }
a:visited { color: #5b2a86; }
a:hover { text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
input:focus, select:focus, textarea:focus { outline: 3px solid #0b57d0; outline-offset: 0; box-shadow: inset 0 0 0 1px #0b57d0; }
.intro, .required-note { margin-bottom: 1.5rem; }
.required-note, .hint, .required { color: #4a4a4a; }
fieldset { border: 0; margin: 0 0 1.5rem; padding: 0; min-width: 0; }
legend { font-size: 1.25rem; font-weight: 700; margin: 0 0 .75rem; padding: 0; }
.field { margin: 0 0 1.5rem; }
label { display: block; font-weight: 600; margin: 0 0 .25rem; }
.required { font-weight: 400; }
.hint { margin: 0 0 .5rem; }
.error-message { color: #b3261e; font-weight: 700; margin: 0 0 .5rem; }
input[type="text"], input[type="email"], select, textarea { display: block; width: 100%; min-height: 2.75rem; margin: 0; padding: .5rem .625rem; font: inherit; color: inherit; background: #fff; border: 2px solid #4a4a4a; border-radius: 4px; }
textarea { min-height: 9rem; resize: vertical; }
.checkbox { display: flex; gap: .5rem; align-items: flex-start; }
.checkbox input { width: 1.5rem; height: 1.5rem; margin: 0; flex: none; }
.checkbox label { margin: 0; }
.field-error { border-left: 4px solid #b3261e; padding-left: .75rem; }
[aria-invalid="true"] { border-color: #b3261e; }
.button { display: inline-block; min-height: 2.75rem; padding: .5rem 1.25rem; font: inherit; font-weight: 700; color: #fff; background: #0b57d0; border: 2px solid #0b57d0; border-radius: 4px; cursor: pointer; }
.button:hover { background: #0842a0; border-color: #0842a0; }
.button:focus-visible { outline-offset: 3px; }
.button[disabled] { cursor: progress; opacity: .8; }
.error-summary, .success-panel, .notice { margin: 0 0 2rem; padding: 1rem 1.25rem; border: 4px solid #b3261e; border-radius: 4px; }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.error-summary li { margin: 0 0 .5rem; }
.error-summary a, .error-summary a:visited { color: #b3261e; font-weight: 700; }
.error-summary:focus, .success-panel:focus { outline: 3px solid #0b57d0; outline-offset: 3px; }
.success-panel { border-color: #1e7a3c; }
.success-panel p:last-child, .notice p:last-child { margin-bottom: 0; }
.reference { font-size: 1.25rem; font-weight: 700; }
.notice-info { border-color: #0b57d0; }
.forms { list-style: none; margin: 0; padding: 0; }
.forms li { margin: 0 0 1.5rem; }
.forms a { font-size: 1.25rem; font-weight: 700; }
.forms p { margin: .25rem 0 0; }
.suggestions { margin: 0 0 1.5rem; padding: 1rem 1.25rem; border: 2px solid #0b57d0; border-radius: 4px; }
.suggestions ul { list-style: none; margin: 0 0 1rem; padding: 0; }
.suggestions li { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; margin: 0 0 .75rem; }
.suggestions a { font-weight: 700; }
.button-secondary { color: #0b57d0; background: #fff; }
.button-secondary:hover { color: #fff; }
.visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px !important; padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; border: 0 !important; }
@media (max-width: 30rem) { h1 { font-size: 1.5rem; } .button { width: 100%; } }
`.trim();

/** The whole page around `body`; `script` is one complete `<script>` element, when the page has one. */
export function htmlDocument(opts: {
  lang: string | undefined;
  title: string;
  body: string;
  script?: string;
}): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(opts.lang?.trim() || 'en')}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(opts.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main class="page">',
    opts.body,
    '</main>',
    ...(opts.script ? [opts.script] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Text as paragraphs: blank lines split them, single line breaks stay as `<br>`. */
export function paragraphs(text: string, className?: string): string {
  const cls = className ? ` class="${className}"` : '';
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p${cls}>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

// The page a survey link in the resolution mail opens: the rating preselected from the link, an optional
// comment, and a submit button. A plain HTML form (no script at all): it posts
// `application/x-www-form-urlencoded` to the same origin, which the strict CSP of `formPageHeaders`
// allows (`form-action 'self'`), and works with JavaScript off. Pure functions, no I/O.

import type { Issue } from '../domain/errors';
import { escapeHtml } from './form-page';

export interface CsatPageOptions {
  readonly reference: string;
  readonly subject: string;
  /** Where the form posts: `/v1/csat/{token}`. */
  readonly submitUrl: string;
  /** Preselected rating (from `?score=` in the link, or the answer being corrected). */
  readonly score?: number | undefined;
  readonly comment?: string | undefined;
  /** What was wrong with a form post, shown in an error summary that takes focus. */
  readonly issues?: readonly Issue[];
  readonly commentMaxLength: number;
  readonly lang?: string;
}

const LABELS: ReadonlyArray<readonly [number, string]> = [
  [5, 'great'],
  [4, 'good'],
  [3, 'okay'],
  [2, 'not good'],
  [1, 'poor'],
];

// Same palette and contrast as the hosted forms (form-page.ts): text 17.4:1, hints 8.9:1, errors 6.5:1.
// Shared with the resolution page (resolution-page.ts), so the pages a resolution mail links to look alike.
export const CSS = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1a1a1a; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.0625rem; line-height: 1.5; }
.page { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.875rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 .75rem; }
p { margin: 0 0 1rem; }
a { color: #0b57d0; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
fieldset { border: 0; margin: 0 0 1.5rem; padding: 0; min-width: 0; }
legend { font-size: 1.25rem; font-weight: 700; margin: 0 0 .75rem; padding: 0; }
.field { margin: 0 0 1.5rem; }
.field-error { border-left: 4px solid #b3261e; padding-left: .75rem; }
label { font-weight: 600; }
.hint, .optional { color: #4a4a4a; font-weight: 400; }
.radio { display: flex; gap: .75rem; align-items: center; margin: 0 0 .5rem; }
.radio input { width: 1.5rem; height: 1.5rem; margin: 0; flex: none; }
.radio input:focus { outline: 3px solid #0b57d0; outline-offset: 2px; }
textarea { display: block; width: 100%; min-height: 8rem; margin: .25rem 0 0; padding: .5rem .625rem; font: inherit; color: inherit; border: 2px solid #4a4a4a; border-radius: 4px; resize: vertical; }
textarea:focus { outline: 3px solid #0b57d0; outline-offset: 0; }
.error-message { color: #b3261e; font-weight: 700; margin: 0 0 .5rem; }
.error-summary { margin: 0 0 2rem; padding: 1rem 1.25rem; border: 4px solid #b3261e; border-radius: 4px; }
.error-summary:focus { outline: 3px solid #0b57d0; outline-offset: 3px; }
.error-summary a { color: #b3261e; font-weight: 700; }
.button { min-height: 2.75rem; padding: .5rem 1.25rem; font: inherit; font-weight: 700; color: #fff; background: #0b57d0; border: 2px solid #0b57d0; border-radius: 4px; cursor: pointer; }
.button:hover { background: #0842a0; }
.button:focus-visible { outline-offset: 3px; }
.visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; }
@media (max-width: 30rem) { h1 { font-size: 1.5rem; } .button { width: 100%; } }
`.trim();

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The survey page: a rating (radio group) and an optional comment, posted as an ordinary HTML form. */
export function renderCsatPage(opts: CsatPageOptions): string {
  const e = escapeHtml;
  const issues = opts.issues ?? [];
  const scoreIssue = issues.find((i) => i.path === 'score');
  const commentIssue = issues.find((i) => i.path === 'comment');
  const title = `How did we do? (${opts.reference})`;
  const errorText = (id: string, issue: Issue | undefined) =>
    issue
      ? `<p class="error-message" id="${id}"><span class="visually-hidden">Error: </span>${e(capitalize(issue.message))}</p>`
      : '';

  const summary = issues.length
    ? [
        // `autofocus` moves focus here when the page comes back with errors, without any script.
        '<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">',
        '  <h2 id="error-summary-title">There is a problem</h2>',
        '  <ul>',
        ...issues.map((i) => {
          const target = i.path === 'comment' ? 'comment' : 'score-5';
          const label = i.path === 'comment' ? 'Comment' : 'Rating';
          return `    <li><a href="#${target}">${label}: ${e(i.message)}</a></li>`;
        }),
        '  </ul>',
        '</div>',
      ].join('\n')
    : '';

  const radios = LABELS.map(([score, label]) => {
    const id = `score-${score}`;
    const checked = opts.score === score ? ' checked' : '';
    return `    <div class="radio"><input type="radio" id="${id}" name="score" value="${score}" required${checked}> <label for="${id}">${score} – ${label}</label></div>`;
  });

  const commentDescribedBy = ['comment-hint', ...(commentIssue ? ['comment-error'] : [])].join(' ');
  const body = [
    `<h1>How did we do?</h1>`,
    `<p>About your request “${e(opts.subject)}” (${e(opts.reference)}). Check your rating and send it: nothing is recorded until you press the button.</p>`,
    summary,
    `<form method="post" action="${e(opts.submitUrl)}" accept-charset="utf-8">`,
    `  <fieldset class="field${scoreIssue ? ' field-error' : ''}"${scoreIssue ? ' aria-describedby="score-error"' : ''}>`,
    '    <legend>Your rating, from 5 (great) to 1 (poor)</legend>',
    ...(scoreIssue ? [`    ${errorText('score-error', scoreIssue)}`] : []),
    ...radios,
    '  </fieldset>',
    `  <div class="field${commentIssue ? ' field-error' : ''}">`,
    '    <label for="comment">Anything you would like to tell us? <span class="optional">(optional)</span></label>',
    `    <p class="hint" id="comment-hint">At most ${opts.commentMaxLength} characters.</p>`,
    ...(commentIssue ? [`    ${errorText('comment-error', commentIssue)}`] : []),
    `    <textarea id="comment" name="comment" rows="5" maxlength="${opts.commentMaxLength}" aria-describedby="${commentDescribedBy}"${commentIssue ? ' aria-invalid="true"' : ''}>${e(opts.comment ?? '')}</textarea>`,
    '  </div>',
    '  <button type="submit" class="button">Send my rating</button>',
    '</form>',
  ]
    .filter(Boolean)
    .join('\n');

  return [
    '<!doctype html>',
    `<html lang="${e(opts.lang?.trim() || 'en')}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${e(issues.length ? `Error: ${title}` : title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main class="page">',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

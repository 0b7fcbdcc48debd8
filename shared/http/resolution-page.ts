// The page the "Yes, it's solved" / "No, still a problem" links of the resolution mail open: the answer
// preselected from the link, an optional comment, and a submit button. Like the survey page (csat-page.ts),
// whose look it shares: a plain HTML form without script, posting `application/x-www-form-urlencoded` to
// the same origin (`form-action 'self'`), working with JavaScript off. Pure functions, no I/O.

import type { Issue } from '../domain/errors';
import { RESOLUTION_ANSWERS, type ResolutionAnswerKind } from '../domain/resolution-answer';
import { CSS } from './csat-page';
import { escapeHtml } from './form-page';

export interface ResolutionPageOptions {
  readonly reference: string;
  readonly subject: string;
  /** Where the form posts: `/v1/resolution/{token}`. */
  readonly submitUrl: string;
  /** Preselected answer (from `?answer=` in the link, or the answer being corrected). */
  readonly answer?: string | undefined;
  readonly comment?: string | undefined;
  /** What was wrong with a form post, shown in an error summary that takes focus. */
  readonly issues?: readonly Issue[];
  readonly commentMaxLength: number;
  readonly lang?: string;
}

const LABELS: Readonly<Record<ResolutionAnswerKind, string>> = {
  solved: 'Yes, it’s solved',
  not_solved: 'No, it’s still a problem',
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The question page: two choices (a radio group) and an optional comment, posted as an ordinary HTML form. */
export function renderResolutionPage(opts: ResolutionPageOptions): string {
  const e = escapeHtml;
  const issues = opts.issues ?? [];
  const answerIssue = issues.find((i) => i.path === 'answer');
  const commentIssue = issues.find((i) => i.path === 'comment');
  const title = `Is your request solved? (${opts.reference})`;
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
          const target = i.path === 'comment' ? 'comment' : 'answer-solved';
          const label = i.path === 'comment' ? 'Comment' : 'Answer';
          return `    <li><a href="#${target}">${label}: ${e(i.message)}</a></li>`;
        }),
        '  </ul>',
        '</div>',
      ].join('\n')
    : '';

  const radios = RESOLUTION_ANSWERS.map((answer) => {
    const id = `answer-${answer.replace('_', '-')}`;
    const checked = opts.answer === answer ? ' checked' : '';
    return `    <div class="radio"><input type="radio" id="${id}" name="answer" value="${answer}" required${checked}> <label for="${id}">${LABELS[answer]}</label></div>`;
  });

  const commentDescribedBy = ['comment-hint', ...(commentIssue ? ['comment-error'] : [])].join(' ');
  const body = [
    '<h1>Is your request solved?</h1>',
    `<p>About your request “${e(opts.subject)}” (${e(opts.reference)}), which we have marked as resolved. Check your answer and send it: nothing is recorded until you press the button.</p>`,
    summary,
    `<form method="post" action="${e(opts.submitUrl)}" accept-charset="utf-8">`,
    `  <fieldset class="field${answerIssue ? ' field-error' : ''}"${answerIssue ? ' aria-describedby="answer-error"' : ''}>`,
    '    <legend>Is the problem solved?</legend>',
    ...(answerIssue ? [`    ${errorText('answer-error', answerIssue)}`] : []),
    ...radios,
    '  </fieldset>',
    `  <div class="field${commentIssue ? ' field-error' : ''}">`,
    '    <label for="comment">Anything you would like to tell us? <span class="optional">(optional)</span></label>',
    `    <p class="hint" id="comment-hint">If it is still a problem, say what is still wrong: it goes to the team with your request. At most ${opts.commentMaxLength} characters.</p>`,
    ...(commentIssue ? [`    ${errorText('comment-error', commentIssue)}`] : []),
    `    <textarea id="comment" name="comment" rows="5" maxlength="${opts.commentMaxLength}" aria-describedby="${commentDescribedBy}"${commentIssue ? ' aria-invalid="true"' : ''}>${e(opts.comment ?? '')}</textarea>`,
    '  </div>',
    '  <button type="submit" class="button">Send my answer</button>',
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

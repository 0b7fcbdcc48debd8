/**
 * Article Markdown → HTML safe to put in a page: `marked` renders it (GitHub-flavoured), `sanitize-html`
 * keeps only plain document tags, so no script, no inline event handler, no `style` (the strict CSP
 * refuses inline styles anyway), no iframe or form, and only http(s)/mailto links and http(s) images.
 * The one renderer for the API's `html`, the preview and the help centre.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const markdown = new Marked({ gfm: true, async: false });

const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'iframe'),
    'img',
    'h1',
    'h2',
    'del',
    'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    // GFM task lists: a disabled checkbox, nothing else of a form.
    input: ['type', 'checked', 'disabled'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // No tag keeps a `style` attribute, so there is nothing for postcss to parse: the bundles leave it out
  // (shared/http/no-style-parser.ts), and `allowedStyles` would now throw rather than need it.
  parseStyleAttributes: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    input: (_tag, attribs) => ({
      tagName: attribs.type === 'checkbox' ? 'input' : 'span',
      attribs: attribs.type === 'checkbox' ? { ...attribs, disabled: '' } : {},
    }),
  },
};

/** The article's body as sanitised HTML. */
export function renderMarkdown(body: string): string {
  return sanitizeHtml(markdown.parse(body) as string, SANITISE);
}

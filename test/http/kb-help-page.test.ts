import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  helpArticleUrl,
  helpPage,
  plainArticleHtml,
  renderHelpArticle,
  renderHelpIndex,
} from '../../shared/http/help-page';
import { anArticle } from '../support/articles';

describe('the help centre pages', () => {
  it('lists the articles under their topic and offers a labelled search box', () => {
    const html = renderHelpIndex({
      title: 'Help centre',
      groups: [{ label: 'Access request', articles: [anArticle()] }],
    });
    expect(html).toContain('<h2 id="topic-0">Access request</h2>');
    expect(html).toContain('<a href="/help/reset-your-password">Reset your password</a>');
    expect(html).toMatch(/<form class="search" role="search" action="\/help" method="get">/);
    expect(html).toContain('<label for="q">Search the help centre</label>');
  });

  it('shows what the search found, and escapes the query everywhere it repeats it', () => {
    const q = '"><script>alert(1)</script>';
    const html = renderHelpIndex({ title: 'Help centre', groups: [], search: { query: q, hits: [] } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('No articles match');
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;');
  });

  it('shows one article with a way back, its locale and the form of its request type', () => {
    const html = renderHelpArticle({
      article: anArticle({ locale: 'de', requestTypes: ['access_request'] }),
      html: '<p>Body</p>',
      helpTitle: 'Help centre',
    });
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(
      '<nav class="crumbs" aria-label="Breadcrumb"><a href="/help">Help centre</a></nav>',
    );
    expect(html).toContain('<p>Body</p>');
    expect(html).toContain('href="/forms/access_request"');
  });

  it('is served under the hosted pages’ strict CSP, and links articles by their slug', () => {
    const page = helpPage(200, '<p>x</p>');
    expect(page.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(helpArticleUrl('export-your-data')).toBe('/help/export-your-data');
  });
});

describe('plainArticleHtml (an article whose rendering was not kept)', () => {
  it('shows every paragraph of any body as escaped text: no markup of its own gets through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (body) => {
        const html = plainArticleHtml(body);
        // Only the <p> and <br> it makes; every < > & " ' of the body escaped.
        expect(html.replace(/<\/?p>|<br>/g, '')).not.toMatch(/[<>"']|&(?!#\d+;)/);
        const paragraphs = body.split(/\n\s*\n/).filter((p) => p.trim() !== '');
        expect((html.match(/<p>/g) ?? []).length).toBe(paragraphs.length);
      }),
    );
    expect(plainArticleHtml('# Title\n\nUse <b>this</b> & that.\nNext line.')).toBe(
      '<p># Title</p>\n<p>Use &#60;b&#62;this&#60;/b&#62; &#38; that.<br>Next line.</p>',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../shared/http/markdown';

describe('renderMarkdown', () => {
  it('renders headings, emphasis, lists, code and links', () => {
    const html = renderMarkdown(
      '# Title\n\nSome **bold** text and [a link](https://example.com).\n\n- one\n\n```sh\nnpm start\n```',
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">a link</a>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<code class="language-sh">');
  });

  it('renders a script, an inline handler, a style and a javascript: link inert', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n<img src="x" onerror="alert(1)">\n\n<p style="color:red" onclick="x()">s</p>\n\n[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">j</a> <iframe src="https://evil"></iframe>',
    );
    expect(html).not.toMatch(/<script|onerror|onclick|style=|javascript:|<iframe/i);
    expect(html).toContain('<img src="x" />');
  });

  it('keeps only http(s) images', () => {
    expect(renderMarkdown('![x](data:image/png;base64,AAAA)')).not.toContain('data:');
  });
});

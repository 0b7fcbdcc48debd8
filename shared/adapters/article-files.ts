import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import matter from 'gray-matter';
import { type ArticleInput, ArticleInputSchema, ArticleSlug } from '../domain/articles';

/**
 * Articles kept as Markdown files in git: YAML front matter (slug, title, audience, requestTypes, tags,
 * locale, status) and the Markdown body after it. The slug defaults to the file's name. Used by
 * `npm run kb:import` and by `npm start`'s seeding of the starter set (kb/). Front matter is YAML only:
 * gray-matter's JavaScript engine (which would run the file's code) is switched off.
 */

export type ParsedArticleFile =
  | { readonly ok: true; readonly slug: string; readonly input: ArticleInput }
  | { readonly ok: false; readonly problems: readonly string[] };

const refuseCode = {
  parse: () => {
    throw new Error('front matter must be YAML (or JSON); executable front matter is not read');
  },
};
const MATTER_OPTIONS = { engines: { js: refuseCode, javascript: refuseCode, coffee: refuseCode } };

/** One file's article, or what is wrong with it (each problem with its front-matter key). */
export function parseArticleFile(fileName: string, text: string): ParsedArticleFile {
  let data: Record<string, unknown>;
  let content: string;
  try {
    // Options given, so gray-matter neither reads from nor writes to its module-wide cache.
    const parsed = matter(text, MATTER_OPTIONS as never);
    data = parsed.data as Record<string, unknown>;
    content = parsed.content;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
    return { ok: false, problems: [`front matter does not read: ${reason}`] };
  }
  const slugValue = data.slug ?? basename(fileName).replace(/\.md$/i, '');
  const slug = ArticleSlug.safeParse(slugValue);
  const input = ArticleInputSchema.safeParse({ ...data, body: content.trim() });
  const problems = [
    ...(slug.success ? [] : slug.error.issues.map((i) => `slug: ${i.message}`)),
    ...(input.success
      ? []
      : input.error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`)),
  ];
  if (!slug.success || !input.success) return { ok: false, problems };
  return { ok: true, slug: slug.data, input: input.data };
}

/** Every Markdown file under `dir` (subfolders too; README.md files are the folder's own notes), sorted. */
export async function articleFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.md$/i.test(e.name) && !/^readme\.md$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .toSorted((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}

/** Every article file under `dir`, read and parsed, in path order. */
export async function readArticleFiles(dir: string): Promise<Array<{ path: string } & ParsedArticleFile>> {
  const paths = await articleFilesIn(dir);
  return Promise.all(
    paths.map(async (path) => ({ path, ...parseArticleFile(path, await readFile(path, 'utf8')) })),
  );
}

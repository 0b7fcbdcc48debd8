import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readArticleFiles } from '../../shared/adapters/article-files';
import { ArticleStore } from '../../shared/adapters/article-store';
import { writeArticle } from '../../shared/domain/articles';
import { renderMarkdown } from '../../shared/http/markdown';
import { ROOT } from './paths';

/** The starter knowledge base `npm start` loads into a fresh table: kb/ at the repository root. */
export const STARTER_KB_DIR = resolve(ROOT, 'kb');

/**
 * Writes every article of `dir` (as version 1, by `seed:kb`) into a table that has none yet (none when `dir`
 * does not exist). A file that does not read stops the start with its path and problems, like a bad
 * workflow config does.
 */
export async function seedKnowledgeBase(
  db: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
  dir = STARTER_KB_DIR,
): Promise<string[]> {
  // A tree without the starter set (a copy of the runtime alone, as some tests make) starts with none.
  if (!existsSync(dir)) return [];
  const files = await readArticleFiles(dir);
  const store = new ArticleStore(db, tableName, renderMarkdown);
  const slugs: string[] = [];
  for (const file of files) {
    if (!file.ok)
      throw new Error(`knowledge base file ${file.path} does not read: ${file.problems.join('; ')}`);
    await store.put(writeArticle(file.slug, file.input, undefined, 'seed:kb', now), undefined);
    slugs.push(file.slug);
  }
  return slugs;
}

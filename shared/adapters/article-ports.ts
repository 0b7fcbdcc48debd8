import { ArticleSearchIndex } from './article-search';
import { ArticleStore } from './article-store';
import { documentClient } from './clients';
import { systemClock } from './clock';
import { requiredEnv } from './env';

/**
 * The knowledge base's ports: the article store (the table) and the search index over it. Composed once
 * per execution environment, so a Lambda instance keeps its index between requests.
 */
export function articlePorts() {
  const articles = new ArticleStore(documentClient(), requiredEnv('TABLE_NAME'));
  return { articles, search: new ArticleSearchIndex(articles), clock: systemClock };
}

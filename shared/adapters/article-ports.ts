import { ArticleSearchIndex } from './article-search';
import { type ArticleRenderer, ArticleStore } from './article-store';
import { documentClient } from './clients';
import { systemClock } from './clock';
import { requiredEnv } from './env';

/**
 * The knowledge base's ports: the article store (the table) and the search index over it. Composed once
 * per execution environment, so a Lambda instance keeps its index between requests.
 */
export function articlePorts() {
  const { articles, clock } = articleStorePorts();
  return { articles, search: new ArticleSearchIndex(articles), clock };
}

/**
 * The article store alone, for a function that writes articles and never searches (no search index); with
 * `render`, each write keeps the body's HTML for the readers.
 */
export function articleStorePorts(render?: ArticleRenderer) {
  return {
    articles: new ArticleStore(documentClient(), requiredEnv('TABLE_NAME'), render),
    clock: systemClock,
  };
}

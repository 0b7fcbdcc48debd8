import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Article, ArticleSchema } from '../domain/articles';
import { type ArticleStorePort, ArticleVersionConflictError } from '../use-cases/ports';
import { cancellationCodes } from './ticket-repository';

/**
 * Knowledge-base articles in the single table, all in one partition so the list is one Query (no Scan):
 * article `KB`/`ARTICLE#<slug>` (the article's fields, `version` for optimistic writes) and the KB's
 * version marker `KB`/`VERSION` (`kbVersion`, stepped in the same transaction as every article write),
 * which a search index compares to know whether it must rebuild. A team's KB is a few hundred articles.
 * Beside each article, its body rendered to HTML when written (`RENDERED#<slug>`, outside the list's prefix).
 */
const PK = 'KB';
const MARKER = 'VERSION';
const articleKey = (slug: string) => ({ pk: PK, sk: `ARTICLE#${slug}` });
/** The article's body as HTML, rendered when it was written: `KB`/`RENDERED#<slug>` (`version`, `html` gzipped). */
const renderedKey = (slug: string) => ({ pk: PK, sk: `RENDERED#${slug}` });

/** The largest gzipped rendering kept (DynamoDB holds 400 KB per item). */
const MAX_RENDERED_BYTES = 350_000;

/** Markdown → sanitised HTML (shared/http/markdown.ts's renderMarkdown, given by whoever writes articles). */
export type ArticleRenderer = (markdown: string) => string;

export class ArticleStore implements ArticleStorePort {
  /**
   * @param render given where articles are written (write-article, the local runtime's starter KB): each
   *   write keeps the body's HTML beside the article, in the same transaction, so the functions that show
   *   articles (read-kb) serve it without carrying the Markdown renderer and sanitiser (issue 21).
   */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly render?: ArticleRenderer,
  ) {}

  /**
   * The article's body as HTML rendered when this version was written; undefined when none was kept for it
   * (written before renders were kept, or by a writer without a renderer).
   */
  async renderedHtml(article: Pick<Article, 'slug' | 'version'>): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: renderedKey(article.slug) }),
    );
    const item = out?.Item;
    return item?.version === article.version && item.html instanceof Uint8Array
      ? gunzipSync(item.html).toString('utf8')
      : undefined;
  }

  async get(slug: string): Promise<Article | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: articleKey(slug) }));
    const parsed = ArticleSchema.safeParse(out?.Item);
    return parsed.success ? parsed.data : undefined;
  }

  async list(): Promise<Article[]> {
    const articles: Article[] = [];
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': 'ARTICLE#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out?.Items ?? []) {
        // An item that no longer reads is left out of the list (and so out of search), never a failed request.
        const parsed = ArticleSchema.safeParse(item);
        if (parsed.success) articles.push(parsed.data);
      }
      start = out?.LastEvaluatedKey;
    } while (start);
    return articles;
  }

  /** The KB's version marker: it moves on every article write (0 before the first). */
  async kbVersion(): Promise<number> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: MARKER }, ConsistentRead: true }),
    );
    return typeof out?.Item?.kbVersion === 'number' ? out.Item.kbVersion : 0;
  }

  async put(article: Article, expectedVersion: number | undefined): Promise<void> {
    // Gzipped: rendered HTML can be several times its Markdown (100,000 `&` are 500 KB of `&amp;`), more
    // than an item holds; compressed, any article fits. Should one not, it is kept without its rendering.
    const html = this.render && gzipSync(this.render(article.body));
    const rendered = html &&
      html.byteLength <= MAX_RENDERED_BYTES && {
        Put: {
          TableName: this.tableName,
          Item: { ...renderedKey(article.slug), entity: 'article-html', version: article.version, html },
        },
      };
    await this.write(
      [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...articleKey(article.slug), entity: 'article', ...article },
            ...this.condition(expectedVersion),
          },
        },
        ...(rendered ? [rendered] : []),
      ],
      article.slug,
      expectedVersion,
    );
  }

  async delete(slug: string, expectedVersion: number): Promise<void> {
    await this.write(
      [
        { Delete: { TableName: this.tableName, Key: articleKey(slug), ...this.condition(expectedVersion) } },
        { Delete: { TableName: this.tableName, Key: renderedKey(slug) } },
      ],
      slug,
      expectedVersion,
    );
  }

  private condition(expectedVersion: number | undefined) {
    return expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  }

  /** The article's write (its rendering too), and the marker's step, together or not at all. */
  private async write(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
    slug: string,
    expectedVersion: number | undefined,
  ): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...items,
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: PK, sk: MARKER },
                UpdateExpression: 'ADD kbVersion :one SET entity = :entity',
                ExpressionAttributeValues: { ':one': 1, ':entity': 'kb-version' },
              },
            },
          ],
        }),
      );
    } catch (e) {
      const codes = cancellationCodes(e);
      if (codes?.[0] === 'ConditionalCheckFailed' || codes?.includes('TransactionConflict')) {
        throw new ArticleVersionConflictError(slug, expectedVersion, (await this.get(slug))?.version, {
          cause: e,
        });
      }
      throw e;
    }
  }
}

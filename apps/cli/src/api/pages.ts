import { ApiClient, QueryValue } from './api-client';

/** The largest page the API serves (PageQueryDto: limit 1..500): fewest round trips. */
const PAGE_LIMIT = 500;

/** Every item of a cursor-paginated list (`{items, nextCursor}`), following the cursors to the end. */
export async function allPages<T>(
  api: ApiClient,
  path: string,
  query: Readonly<Record<string, QueryValue>> = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<{ items: T[]; nextCursor: string | null }>(path, {
      query: { ...query, limit: PAGE_LIMIT, cursor },
    });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

import { OutboxItem, OutboxItemList } from '../api/api-types';
import { UsageError } from '../cli-errors';
import { CommandContext } from '../command-context';
import { displayUrl } from '../output/display-url';
import { shortTime } from '../output/format';
import { formatTable } from '../output/table';

export interface OutboxLsOptions {
  dead?: boolean;
  pending?: boolean;
}

/** `outbox ls`: the undelivered CloudEvents per sink, `--pending` (the API's default) or `--dead`. */
export async function outboxLs(ctx: CommandContext, options: OutboxLsOptions): Promise<void> {
  if (options.dead && options.pending) throw new UsageError('Give either --dead or --pending, not both');
  const list = await ctx.api.get<OutboxItemList>('/api/outbox', {
    query: { status: options.dead ? 'dead' : options.pending ? 'pending' : undefined },
  });
  ctx.print(list, () =>
    list.items.length === 0
      ? `No ${options.dead ? 'dead' : 'pending'} events.\n`
      : formatTable<OutboxItem>(
          [
            { header: 'EVENT ID', value: (i) => i.eventId },
            { header: 'TYPE', value: (i) => i.type },
            { header: 'LAB ID', value: (i) => i.labId },
            { header: 'SINK', value: (i) => displayUrl(i.sink) },
            { header: 'STATUS', value: (i) => i.status, paint: (text) => ctx.style.status(text) },
            { header: 'ATTEMPTS', value: (i) => i.attempts, numeric: true },
            { header: 'NEXT ATTEMPT', value: (i) => (i.status === 'dead' ? '' : shortTime(i.nextAttemptAt)) },
            { header: 'LAST ERROR', value: (i) => i.lastError },
          ],
          list.items,
        ),
  );
}

/** `outbox retry <eventId>`: sends a dead or pending event again now (202; the relay delivers it). */
export async function outboxRetry(ctx: CommandContext, eventId: string): Promise<void> {
  await ctx.api.post<void>(`/api/outbox/${encodeURIComponent(eventId)}/retry`);
  ctx.print({ eventId, accepted: true }, () => `Event ${ctx.safe(eventId)} is queued for delivery again.\n`);
}

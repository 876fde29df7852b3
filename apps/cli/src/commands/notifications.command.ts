import { NotificationItem, NotificationItemList } from '../api/api-types';
import { UsageError } from '../cli-errors';
import { CommandContext } from '../command-context';
import { shortTime } from '../output/format';
import { formatTable } from '../output/table';

export interface NotificationsLsOptions {
  dead?: boolean;
  pending?: boolean;
}

/**
 * `notifications ls`: the undelivered notifications, `--pending` (the API's default) or `--dead`. The
 * recipient is what the API shows (`channel` or `person:<address>`): the webhook URLs and tokens of the
 * providers stay in the server's configuration and are in no answer.
 */
export async function notificationsLs(ctx: CommandContext, options: NotificationsLsOptions): Promise<void> {
  if (options.dead && options.pending) throw new UsageError('Give either --dead or --pending, not both');
  const list = await ctx.api.get<NotificationItemList>('/api/notifications', {
    query: { status: options.dead ? 'dead' : options.pending ? 'pending' : undefined },
  });
  ctx.print(list, () =>
    list.items.length === 0
      ? `No ${options.dead ? 'dead' : 'pending'} notifications.\n`
      : formatTable<NotificationItem>(
          [
            { header: 'ID', value: (i) => i.id },
            { header: 'ROUTE', value: (i) => i.route },
            { header: 'PROVIDER', value: (i) => i.provider },
            { header: 'RECIPIENT', value: (i) => i.recipient },
            { header: 'STATUS', value: (i) => i.status, paint: (text) => ctx.style.status(text) },
            { header: 'ATTEMPTS', value: (i) => i.attempts, numeric: true },
            {
              header: 'NEXT ATTEMPT',
              value: (i) => (i.status === 'pending' ? shortTime(i.nextAttemptAt) : ''),
            },
            { header: 'LAST ERROR', value: (i) => i.lastError ?? '' },
          ],
          list.items,
        ),
  );
}

/** `notifications retry <id>`: replays a dead notification (202; the relay delivers it; 409 if not dead). */
export async function notificationsRetry(ctx: CommandContext, id: string): Promise<void> {
  await ctx.api.post<void>(`/api/notifications/${encodeURIComponent(id)}/retry`);
  ctx.print({ id, accepted: true }, () => `Notification ${ctx.safe(id)} is queued for delivery again.\n`);
}

import { Worker } from '../api/api-types';
import { allPages } from '../api/pages';
import { CommandContext } from '../command-context';
import { shortTime } from '../output/format';
import { formatTable } from '../output/table';

/** `workers ls`: every worker with its mode, CML contact and last reconciliation. */
export async function workersLs(ctx: CommandContext): Promise<void> {
  const items = await allPages<Worker>(ctx.api, '/api/workers');
  ctx.print({ items }, () =>
    items.length === 0
      ? 'No workers.\n'
      : formatTable<Worker>(
          [
            { header: 'NAME', value: (w) => w.name },
            { header: 'ID', value: (w) => w.id },
            { header: 'ENDPOINT', value: (w) => w.endpoint },
            { header: 'ENABLED', value: (w) => (w.enabled ? 'yes' : 'no') },
            { header: 'MODE', value: (w) => w.reconcileMode },
            {
              header: 'CML',
              value: (w) => (w.cml ? `${w.cml.version}${w.cml.ready ? '' : ' (not ready)'}` : ''),
            },
            {
              header: 'LAST RECONCILE',
              value: (w) => w.lastReconcile?.status ?? 'never',
              paint: (text) => ctx.style.status(text),
            },
            { header: 'AT', value: (w) => shortTime(w.lastReconcile?.finishedAt) },
          ],
          items,
        ),
  );
}

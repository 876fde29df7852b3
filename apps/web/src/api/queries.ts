import { useQuery } from '@tanstack/react-query';
import { useSession } from '../context';

/**
 * The TanStack Query keys of the API's reads, from the broadest to the narrowest, so that a change invalidates
 * a whole family at once: `queryKeys.workers` covers every worker list and every worker, `queryKeys.labs(id)`
 * every page and filter of one worker's labs.
 */
export const queryKeys = {
  workers: ['workers'] as const,
  workerLists: ['workers', 'list'] as const,
  workerList: (cursor: string | null, limit: number) => ['workers', 'list', { cursor, limit }] as const,
  worker: (workerId: string) => ['workers', 'one', workerId] as const,
  labs: (workerId: string) => ['labs', workerId] as const,
  labList: (workerId: string, q: { state: string; owner: string; cursor: string | null; limit: number }) =>
    ['labs', workerId, q] as const,
  orphans: (workerId: string) => ['orphans', workerId] as const,
  removed: (workerId: string) => ['labs', workerId, 'removed'] as const,
  reconciliations: ['reconciliations'] as const,
  reconciliation: (id: string) => ['reconciliations', id] as const,
  outbox: ['outbox'] as const,
  outboxList: (status: 'pending' | 'dead') => ['outbox', status] as const,
  notifications: ['notifications'] as const,
  notificationList: (status: 'pending' | 'dead') => ['notifications', status] as const,
  auditEvents: (q: object) => ['audit-events', q] as const,
  job: (jobId: string) => ['jobs', jobId] as const,
};

/** Every worker (up to 500, one read), for pages that name workers by id or offer them in a filter. */
export function useAllWorkers() {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.workerList(null, 500),
    queryFn: () => api.listWorkers(null, 500),
  });
}

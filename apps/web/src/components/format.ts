export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * A label for an event type: the audit trail has the CloudEvents type (`io.cml-labs.lab.deleted.v1`), the outbox
 * the domain's (`lab.deleted`).
 */
export function shortType(type: string): string {
  if (/(^|\.)lab\.deleted(\.v1)?$/.test(type)) return 'Lab deleted';
  if (/(^|\.)lab\.orphan_removed(\.v1)?$/.test(type)) return 'Orphan removed';
  if (/(^|\.)lab\.restored(\.v1)?$/.test(type)) return 'Lab restored';
  return type;
}

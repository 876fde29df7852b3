export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function shortType(type: string): string {
  if (type.endsWith('.lab.deleted.v1')) return 'Lab deleted';
  if (type.endsWith('.lab.orphan_removed.v1')) return 'Orphan removed';
  return type;
}

/** The status a page of undelivered things shows: still being retried, or given up. */
export type DeliveryStatus = 'pending' | 'dead';

/** The Pending / Dead radio group of the Outbox and Notifications pages. */
export function DeliveryStatusTabs({
  label,
  name,
  status,
  onChange,
}: {
  label: string;
  name: string;
  status: DeliveryStatus;
  onChange: (status: DeliveryStatus) => void;
}) {
  return (
    <div className="tabs" role="radiogroup" aria-label={label}>
      {(['pending', 'dead'] as const).map((s) => (
        <label key={s} className={status === s ? 'tab tab-active' : 'tab'}>
          <input type="radio" name={name} value={s} checked={status === s} onChange={() => onChange(s)} />
          {s === 'pending' ? 'Pending' : 'Dead'}
        </label>
      ))}
    </div>
  );
}

/** Cursor pagination: the API gives only `nextCursor`, so the page keeps the cursors it came through. */
export function Pagination(props: {
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  busy?: boolean;
  label?: string;
}) {
  return (
    <nav className="pagination" aria-label={props.label ?? 'Pagination'}>
      <button type="button" onClick={props.onPrevious} disabled={props.page <= 1 || props.busy}>
        Previous page
      </button>
      <span aria-live="polite">Page {props.page}</span>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext || props.busy}>
        Next page
      </button>
    </nav>
  );
}

/** State for cursor pagination: cursors[i] opens page i + 1 (the first page has none). */
export function nextCursors(cursors: (string | null)[], next: string | null): (string | null)[] {
  return next ? [...cursors, next] : cursors;
}

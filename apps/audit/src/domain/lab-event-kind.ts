export const LAB_EVENT_KINDS = ['lab.deleted', 'lab.orphan_removed', 'lab.restored'] as const;
export type LabEventKind = (typeof LAB_EVENT_KINDS)[number];

/**
 * The kind of a CloudEvent type, or null when it is not one we audit. Any prefix is accepted:
 * the prefix is the producer's CLOUDEVENTS_TYPE_PREFIX, which differs per installation.
 */
export function labEventKindOf(type: string): LabEventKind | null {
  for (const kind of LAB_EVENT_KINDS) {
    const suffix = `.${kind}.v1`;
    if (type.length > suffix.length && type.endsWith(suffix)) return kind;
  }
  return null;
}

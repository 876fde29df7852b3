import { LabState } from '../lab-state';

/** What a bulk delete selects, as the API takes it: every given field must match (AND). */
export interface BulkDeleteCriteria {
  /** Only labs of these workers; absent = every worker. */
  workerIds?: readonly string[];
  /** The owner's CML user id or username, as `GET .../labs?owner=` matches it. */
  owner?: string;
  /** The title starts with this, case-sensitively. */
  titlePrefix?: string;
  state?: LabState;
  /** Created strictly before this instant. */
  createdBefore?: Date;
}

/** The fields of a lab record the filter looks at. */
export interface BulkDeleteCandidate {
  workerId: string;
  title: string;
  owner: string;
  ownerUsername: string;
  state: LabState;
  /** CML's `created`, an ISO-8601 string; null or '' when CML did not say. */
  cmlCreatedAt: string | null;
  /** When this service first saw the lab: it was created at or before then. */
  firstSeenAt: Date;
}

/**
 * The filter of a bulk delete, as a value. `matches` is the one rule of what it selects: the
 * repository may narrow its read with the same fields, but every candidate is judged here.
 */
export class BulkDeleteFilter {
  private constructor(readonly criteria: Readonly<BulkDeleteCriteria>) {}

  /** A filter of the given fields; one without any field would select every lab, so it is refused. */
  static of(criteria: BulkDeleteCriteria): BulkDeleteFilter {
    const clean: BulkDeleteCriteria = {};
    if (criteria.workerIds !== undefined) clean.workerIds = [...new Set(criteria.workerIds)];
    if (criteria.owner !== undefined) clean.owner = criteria.owner;
    if (criteria.titlePrefix !== undefined) clean.titlePrefix = criteria.titlePrefix;
    if (criteria.state !== undefined) clean.state = criteria.state;
    if (criteria.createdBefore !== undefined) {
      if (Number.isNaN(criteria.createdBefore.getTime())) throw new Error('createdBefore is not a date');
      clean.createdBefore = new Date(criteria.createdBefore);
    }
    if (Object.keys(clean).length === 0) throw new Error('A bulk delete filter needs at least one field');
    return new BulkDeleteFilter(clean);
  }

  /** Whether the lab is selected. */
  matches(lab: BulkDeleteCandidate): boolean {
    const c = this.criteria;
    if (c.workerIds && !c.workerIds.includes(lab.workerId)) return false;
    if (c.owner !== undefined && lab.owner !== c.owner && lab.ownerUsername !== c.owner) return false;
    if (c.titlePrefix !== undefined && !lab.title.startsWith(c.titlePrefix)) return false;
    if (c.state !== undefined && lab.state !== c.state) return false;
    if (c.createdBefore !== undefined && !createdBefore(lab, c.createdBefore)) return false;
    return true;
  }

  /** The filter as stored with a job and shown back (dates as ISO strings). */
  toJSON(): Record<string, unknown> {
    const { createdBefore: before, ...rest } = this.criteria;
    return { ...rest, ...(before ? { createdBefore: before.toISOString() } : {}) };
  }
}

/**
 * CML's own creation time when it gave one. Without it, the first time this service saw the lab
 * bounds it from above: a lab first seen before the instant was certainly created before it, and
 * one first seen after it might not have been, so it is not selected (a delete is not undone).
 */
function createdBefore(lab: BulkDeleteCandidate, before: Date): boolean {
  const created = lab.cmlCreatedAt ? Date.parse(lab.cmlCreatedAt) : Number.NaN;
  const known = Number.isNaN(created) ? lab.firstSeenAt.getTime() : created;
  return known < before.getTime();
}

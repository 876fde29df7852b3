/**
 * The seed algorithm (/work/shared/seed/lab-delete-two-phase.md), ported literally so the benchmark has
 * something to compare against: workers one after another; per worker one list, then for every lab one
 * detail request, one findOne by workerId + labId and one save; one delete per orphan. Phase 1 deletes the
 * lab in CML, then finds and deletes the record. It writes to its own collection with the same document
 * shape, so it never disturbs the service's records.
 *
 * On an indexed database (issue 14): the collection has the indexes the seed's two repository reads imply, so
 * the comparison is of algorithms, not of FerretDB's collection scans. See BASELINE_INDEXES.
 */
import * as https from 'node:https';
import axios, { AxiosInstance } from 'axios';
import { Connection, Model, Schema } from 'mongoose';

export const BASELINE_COLLECTION = 'baseline_lab_records';

export interface BaselineLabRecord {
  workerId: string;
  labId: string;
  title: string;
  description: string;
  notes: string;
  state: string;
  owner: string;
  ownerUsername: string;
  ownerFullname: string;
  nodeCount: number;
  linkCount: number;
  groups: unknown[];
  cmlCreatedAt: string | null;
  cmlModifiedAt: string | null;
  firstSeenAt: Date;
  lastSyncedAt: Date;
}

const schema = new Schema<BaselineLabRecord>(
  {
    workerId: { type: String, required: true },
    labId: { type: String, required: true },
    title: String,
    description: String,
    notes: String,
    state: String,
    owner: String,
    ownerUsername: String,
    ownerFullname: String,
    nodeCount: Number,
    linkCount: Number,
    groups: [Schema.Types.Mixed],
    cmlCreatedAt: String,
    cmlModifiedAt: String,
    firstSeenAt: Date,
    lastSyncedAt: Date,
  },
  { collection: BASELINE_COLLECTION, versionKey: false },
);
/**
 * The indexes the seed's repository reads imply: `get_by_lab_id_async(worker_id, lab_id)` (the per-lab findOne)
 * an index on the lab id, with the worker id beside it; `get_all_by_worker_async(worker_id)` (the orphan check)
 * one on the worker id. On MongoDB the findOne is answered exactly by the first one. FerretDB on SQLite (with
 * scripts/ferretdb-patches/0003) answers the first equality of a filter, in filter order, on a field that leads
 * an index; so the findOne's filter names labId first (MongoDB does not care about the order), and a lookup
 * reads the lab's records (one per worker that has the lab) instead of the worker's or the whole collection.
 */
export const BASELINE_INDEXES: readonly Record<string, 1>[] = [{ labId: 1, workerId: 1 }, { workerId: 1 }];
for (const key of BASELINE_INDEXES) schema.index(key);

export function baselineModel(connection: Connection): Model<BaselineLabRecord> {
  return connection.model<BaselineLabRecord>('BaselineLabRecord', schema);
}

export interface BaselineWorker {
  id: string;
  endpoint: string;
  username: string;
  password: string;
  caCertPem: string;
}

interface CmlLabJson {
  id: string;
  state: string;
  created: string;
  modified: string;
  lab_title: string;
  lab_description: string;
  lab_notes: string;
  owner: string;
  owner_username: string;
  owner_fullname: string;
  node_count: number;
  link_count: number;
  groups: unknown[];
}

/**
 * Idle keep-alive sockets are closed after this long, under the 5 s after which Node's http server (the
 * simulator) closes them: a request sent on a pooled socket just as the server closes it dies with ECONNRESET
 * ("socket hang up"), which ended a 17-minute run of issue 14 without a figure. The seed's Python client (httpx)
 * keeps connections alive and expires idle ones after 5 s; this is the same behaviour, one second earlier.
 */
export const BASELINE_IDLE_SOCKET_TIMEOUT_MS = 4_000;

/** A plain axios CML client that logs in once per worker, as the seed's client did. No retries. */
export class BaselineCmlClient {
  private readonly http: AxiosInstance;
  private readonly agent: https.Agent;
  private token: Promise<string> | undefined;

  constructor(private readonly worker: BaselineWorker) {
    // Node applies an agent's `timeout` to a socket while it sits in the pool (and then destroys it); a request
    // in flight runs under axios' timeout, which replaces it on the socket.
    this.agent = new https.Agent({
      ca: worker.caCertPem,
      keepAlive: true,
      timeout: BASELINE_IDLE_SOCKET_TIMEOUT_MS,
    });
    this.http = axios.create({
      baseURL: `${worker.endpoint}/api/v0`,
      httpsAgent: this.agent,
      timeout: 15_000,
    });
  }

  close(): void {
    this.agent.destroy();
  }

  async listLabIds(): Promise<string[]> {
    return (await this.http.get<string[]>('/labs', await this.auth({ show_all: 'true' }))).data;
  }

  async getLab(labId: string): Promise<CmlLabJson> {
    return (await this.http.get<CmlLabJson>(`/labs/${labId}`, await this.auth())).data;
  }

  async deleteLab(labId: string): Promise<void> {
    await this.http.delete(`/labs/${labId}`, await this.auth());
  }

  private async auth(params?: Record<string, string>): Promise<{ headers: Record<string, string> }> {
    this.token ??= this.http
      .post<string>('/authenticate', { username: this.worker.username, password: this.worker.password })
      .then((r) => r.data);
    return { headers: { Authorization: `Bearer ${await this.token}` }, ...(params ? { params } : {}) };
  }
}

export interface BaselineSyncCounts {
  created: number;
  updated: number;
  orphansRemoved: number;
}

export class BaselineLabSync {
  constructor(
    private readonly model: Model<BaselineLabRecord>,
    private readonly clients: Map<string, BaselineCmlClient>,
  ) {}

  /** The seed's refresh job: every worker one after another. `onLab` is told of every lab done (progress). */
  async refreshAll(workerIds: string[], onLab?: () => void): Promise<BaselineSyncCounts> {
    const total: BaselineSyncCounts = { created: 0, updated: 0, orphansRemoved: 0 };
    for (const workerId of workerIds) {
      const c = await this.refreshWorker(workerId, onLab);
      total.created += c.created;
      total.updated += c.updated;
      total.orphansRemoved += c.orphansRemoved;
    }
    return total;
  }

  async refreshWorker(workerId: string, onLab?: () => void): Promise<BaselineSyncCounts> {
    const client = this.clients.get(workerId)!;
    const counts: BaselineSyncCounts = { created: 0, updated: 0, orphansRemoved: 0 };
    const labIds = await client.listLabIds();

    // The seed's orphan detection: every record of the worker not in the list is deleted, one by one.
    const existing = await this.model.find({ workerId }).exec();
    const current = new Set(labIds);
    for (const record of existing) {
      if (current.has(record.labId)) continue;
      await this.model.deleteOne({ _id: record._id }).exec();
      counts.orphansRemoved++;
    }

    // The seed's create/update logic: details, find, save, one lab at a time.
    for (const labId of labIds) {
      const lab = await client.getLab(labId);
      const now = new Date();
      const fields = {
        title: lab.lab_title,
        description: lab.lab_description,
        notes: lab.lab_notes,
        state: lab.state,
        owner: lab.owner,
        ownerUsername: lab.owner_username,
        ownerFullname: lab.owner_fullname,
        nodeCount: lab.node_count,
        linkCount: lab.link_count,
        groups: lab.groups,
        cmlCreatedAt: lab.created,
        cmlModifiedAt: lab.modified,
        lastSyncedAt: now,
      };
      const record = await this.model.findOne({ labId, workerId }).exec();
      if (record) {
        record.set(fields);
        await record.save();
        counts.updated++;
      } else {
        await this.model.create({ workerId, labId, firstSeenAt: now, ...fields });
        counts.created++;
      }
      onLab?.();
    }
    return counts;
  }

  /** The seed's Phase 1: delete in CML, then find the record and delete it. */
  async deleteLab(workerId: string, labId: string): Promise<void> {
    await this.clients.get(workerId)!.deleteLab(labId);
    const record = await this.model.findOne({ labId, workerId }).exec();
    if (record) await this.model.deleteOne({ _id: record._id }).exec();
  }
}

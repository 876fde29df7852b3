import { Injectable } from '@nestjs/common';
import { CmlClient } from '@app/cml-client';
import { Clock } from '@app/common';
import { CmlContact } from '../../../domain/cml-contact';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import {
  CmlListing,
  labsToConfirm,
  labsToRead,
  ReconciliationEvidence,
} from '../../../domain/reconciliation-plan';
import { removalCandidates } from '../../../domain/removal-plan';
import { upstreamErrorOf } from '../../cml-failure';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { CmlEvidenceReader } from '../../reconciliation/cml-evidence-reader';

export interface GatheredEvidence {
  /** The worker's records, read before the list. */
  records: LabRecord[];
  evidence: ReconciliationEvidence;
  /** What this contact learned of the controller, kept in the worker's sync state. */
  contact?: CmlContact;
  /** Why CML could not be trusted, as the error a waiting caller answers with (502/504). */
  upstreamError?: Error;
}

/**
 * Asks CML and the database what Phase 2 decides on, and nothing more: the controller's
 * readiness and the account's role, the worker's records (before the list, so a record created
 * during the run is never a candidate), the trusted list, the details of the listed labs (but for
 * those whose tile shows them unchanged), a second lookup of each candidate. The delete intents of those CML confirmed gone come with the records.
 */
@Injectable()
export class ReconciliationEvidenceGatherer {
  constructor(
    private readonly cml: CmlEvidenceReader,
    private readonly labs: LabRecordRepository,
    private readonly clock: Clock,
  ) {}

  async gather(workerId: string, client: CmlClient): Promise<GatheredEvidence> {
    // The trust check asks CML, the records come from the database: side by side. Both end before
    // the list is asked for, so a record created during the run is still no candidate.
    const [check, recordsRead] = await Promise.all([
      this.cml.checkController(client),
      this.labs.findByWorker(workerId).then(
        (records) => ({ records }),
        (error: unknown) => ({ error }),
      ),
    ]);
    const account = { username: check.account?.username ?? null, admin: check.account?.admin ?? null };
    const untrusted = (listing: CmlListing & { trusted: false }, error: Error): GatheredEvidence => ({
      records: [],
      evidence: { workerId, listing, account, lookups: new Map(), intents: new Map(), now: this.clock.now() },
      contact: check.contact,
      upstreamError: error,
    });
    if (check.untrusted) {
      const { status, reason, error } = check.untrusted;
      return untrusted({ trusted: false, status, reason }, error);
    }

    if ('error' in recordsRead) throw recordsRead.error;
    const { records } = recordsRead;
    const listedAt = this.clock.now();
    let listing: CmlListing;
    // The tiles are asked for beside the list: content only, they never decide what exists.
    const tiles = this.cml.tiles(client);
    try {
      const { ids, refused } = await client.listLabIds({ showAll: true });
      listing = { trusted: true, ids: new Set(ids), refused, listedAt };
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'listing labs');
      return untrusted(
        { trusted: false, status: 'failed', reason: `CML list not trusted: ${upstream.message}` },
        upstream,
      );
    }

    const { read: toRead, answeredByTiles } = labsToRead(records, listing, await tiles);
    const read = new Map([...answeredByTiles, ...(await this.cml.lookUp(client, toRead))]);
    const confirmed = await this.cml.lookUp(client, labsToConfirm(records, listing, account, read));
    const lookups = new Map([...read, ...confirmed]);
    const intents = new Map(
      removalCandidates(records, listing.ids).flatMap((r) =>
        r.deleteIntent && lookups.get(r.labId)?.kind === 'gone' ? [[r.labId, r.deleteIntent] as const] : [],
      ),
    );
    const now = this.clock.now();
    return {
      records,
      evidence: {
        workerId,
        listing,
        account,
        lookups,
        intents,
        now,
      },
      contact: check.contact,
    };
  }
}

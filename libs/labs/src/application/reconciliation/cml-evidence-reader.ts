import { Injectable, Logger } from '@nestjs/common';
import pLimit from 'p-limit';
import { CmlAccount, CmlClient, CmlClientFactory, CmlNotFoundError } from '@app/cml-client';
import { AppConfig, Clock, UpstreamFailureError } from '@app/common';
import { Worker, WorkerDirectory } from '@app/workers';
import { CmlContact } from '../../domain/cml-contact';
import { CmlLabSnapshot } from '../../domain/cml-lab-snapshot';
import { LabLookup } from '../../domain/removal-plan';
import { upstreamErrorOf } from '../cml-failure';
import { toLabSnapshot } from '../cml-lab-snapshot.mapper';

/** Whether the controller can be trusted at all, and what this contact learned of it. */
export interface ControllerCheck {
  contact?: CmlContact;
  account?: CmlAccount;
  untrusted?: { status: 'failed' | 'skipped'; reason: string; error: Error };
}

/** Asks a worker's CML controller the questions Phase 2 decides on; it changes nothing in CML. */
@Injectable()
export class CmlEvidenceReader {
  private readonly logger = new Logger(CmlEvidenceReader.name);
  /** Workers whose controller already failed to serve tiles: told once at warn level, then at debug. */
  private readonly tilesUnavailable = new Set<string>();

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly cml: CmlClientFactory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  clientFor(worker: Worker): CmlClient {
    return this.cml.forWorker({
      ...this.directory.connectionOf(worker),
      timeoutMs: this.config.cmlTimeoutMs,
    });
  }

  /**
   * A list is not trusted from a controller that cannot say it is ready. The login that follows
   * tells whether the account is an administrator, i.e. whether its list can be complete.
   */
  async checkController(client: CmlClient): Promise<ControllerCheck> {
    let info;
    try {
      info = await client.systemInformation();
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'reading system information');
      return {
        untrusted: { status: 'failed', reason: `CML not trusted: ${upstream.message}`, error: upstream },
      };
    }
    const contact: CmlContact = {
      version: info.version,
      ready: info.ready,
      accountIsAdmin: null,
      checkedAt: this.clock.now().toISOString(),
    };
    if (!info.ready) {
      return {
        contact,
        untrusted: {
          status: 'skipped',
          reason: 'CML reports it is not ready; nothing was changed',
          error: new UpstreamFailureError(
            'CML reports it is not ready (system_information ready: false); nothing was changed',
          ),
        },
      };
    }
    try {
      const account = await client.account();
      return { contact: { ...contact, accountIsAdmin: account.admin }, account };
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'logging in');
      return {
        contact,
        untrusted: { status: 'failed', reason: `CML not trusted: ${upstream.message}`, error: upstream },
      };
    }
  }

  /**
   * The labs' tiles (`GET /populate_lab_tiles`) by lab id, or none when CML_LAB_TILES is off or the
   * controller does not serve them as expected: then every listed lab's details are read, as
   * without tiles. Never rejects; a tile only ever spares a detail read (see labsToRead).
   */
  async tiles(client: CmlClient): Promise<Map<string, CmlLabSnapshot>> {
    if (!this.config.cmlLabTiles) return new Map();
    try {
      const { labs } = await client.labTiles();
      this.tilesUnavailable.delete(client.workerId);
      return new Map(labs.map((lab) => [lab.id, toLabSnapshot(lab)]));
    } catch (error) {
      const workerId = client.workerId;
      const message = `lab tiles unavailable, reading the details of every listed lab: ${(error as Error).message}`;
      if (this.tilesUnavailable.has(workerId)) this.logger.debug({ workerId, msg: message });
      else this.logger.warn({ workerId, msg: message });
      this.tilesUnavailable.add(workerId);
      return new Map();
    }
  }

  /** `GET /labs/{id}` for each lab, CML_LAB_DETAIL_CONCURRENCY at a time, as evidence. */
  async lookUp(client: CmlClient, labIds: readonly string[]): Promise<Map<string, LabLookup>> {
    const limit = pLimit(this.config.cmlLabDetailConcurrency);
    const entries = await Promise.all(
      labIds.map((labId) =>
        limit(async (): Promise<[string, LabLookup]> => {
          try {
            return [labId, { kind: 'present', lab: toLabSnapshot(await client.getLab(labId)) }];
          } catch (error) {
            if (error instanceof CmlNotFoundError) return [labId, { kind: 'gone' }];
            return [labId, { kind: 'unknown', error: (error as Error).message }];
          }
        }),
      ),
    );
    return new Map(entries);
  }
}

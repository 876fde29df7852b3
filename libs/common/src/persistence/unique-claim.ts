import type { Model, QueryFilter } from 'mongoose';
import { isDuplicateKeyError } from '../errors/duplicate-key';

/** A claim document: its deterministic `_id` names what is claimed (an epoch, an attempt, a database). */
export interface ClaimDocument {
  _id: string;
}

/**
 * Claims by unique insert: whoever inserts the document with a given `_id` first holds it, and the
 * others get a duplicate key. An insert with a unique `_id` is the one conditional write FerretDB v1
 * performs atomically (its conditional updates and findAndModify re-check nothing when they write
 * back: 20 racing takeovers of one expired lease gave 18 winners), so of any number of concurrent
 * claimers of one `_id` exactly one wins, on FerretDB and MongoDB alike.
 *
 * The model's schema must declare `_id` as a String (else Mongoose casts filters on it to ObjectId).
 */
export class UniqueClaims<T extends ClaimDocument> {
  constructor(private readonly model: Model<T>) {}

  /** Inserts `claim`; false when a claim with its `_id` is held already. */
  async claim(claim: T): Promise<boolean> {
    try {
      // lean: stored as given, as a driver insert would (no casting, defaults or validation).
      await this.model.insertMany([claim], { lean: true });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The claim held under `id`, or null. */
  held(id: string): Promise<T | null> {
    return this.model.findById(id).lean<T>().exec();
  }

  /**
   * Claims like `claim`, and takes a held claim over once `isStale` says its holder is gone (it died
   * before giving it up). The stale claim is removed only while it is still the one judged
   * (`sameClaim`: its `_id` and what changes with every claim, such as its time), then claimed again:
   * of concurrent takers, still one wins.
   */
  async claimOrTakeOver(
    claim: T,
    isStale: (held: T) => boolean,
    sameClaim: (held: T) => QueryFilter<T>,
  ): Promise<boolean> {
    if (await this.claim(claim)) return true;
    const held = await this.held(claim._id);
    if (!held || !isStale(held)) return false;
    await this.model.deleteOne(sameClaim(held)).exec();
    return this.claim(claim);
  }

  /** Gives up the claim under `id`. */
  async release(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id }).exec();
  }

  /**
   * Claims `id` at `now` (a claim document with its time, `at`), taking over a claim of it at least `ttlMs` old:
   * the claim of one delivery attempt, whose sender may have died before recording it.
   */
  claimAttempt(
    this: UniqueClaims<ClaimDocument & { at: Date }>,
    id: string,
    now: Date,
    ttlMs: number,
  ): Promise<boolean> {
    return this.claimOrTakeOver(
      { _id: id, at: now },
      (held) => now.getTime() - new Date(held.at).getTime() >= ttlMs,
      (held) => ({ _id: held._id, at: held.at }),
    );
  }
}

import { ConflictError, Page } from '@app/common';
import { WorkerRepository } from '../application/ports/worker.repository';
import { Worker, WorkerProps } from '../domain/worker';

function copy(props: WorkerProps): WorkerProps {
  return structuredClone(props);
}

/**
 * WorkerRepository without a database, as MongoWorkerRepository keeps it: names (regardless of
 * case) and endpoints are unique, a taken one is a ConflictError naming the field (an insert and
 * a save alike); `save` applies only at the version the worker was read at and stores the next
 * one (the caller's object keeps its version); pages and `findAll` are in id order. Every read
 * returns a fresh copy.
 */
export class InMemoryWorkerRepository extends WorkerRepository {
  private readonly workers = new Map<string, WorkerProps>();
  /** When set, every call throws this (a database that is down). */
  failWith: Error | null = null;

  /** Stores workers as they are, bypassing every check. */
  seed(...workers: Worker[]): void {
    for (const worker of workers) this.workers.set(worker.id, copy(worker.toProps()));
  }

  async findById(id: string): Promise<Worker | null> {
    this.check();
    const props = this.workers.get(id);
    return props ? Worker.restore(copy(props)) : null;
  }

  async page(limit: number, afterId?: string): Promise<Page<Worker>> {
    this.check();
    const after = this.sorted().filter((p) => afterId === undefined || p.id > afterId);
    const items = after.slice(0, limit).map((p) => Worker.restore(copy(p)));
    return { items, nextCursor: after.length > limit ? items[items.length - 1].id : null };
  }

  async findAll(): Promise<Worker[]> {
    this.check();
    return this.sorted().map((p) => Worker.restore(copy(p)));
  }

  async insert(worker: Worker): Promise<void> {
    this.check();
    const props = worker.toProps();
    if (this.workers.has(props.id)) throw new ConflictError('The worker conflicts with an existing one');
    this.assertUnique(props);
    this.workers.set(props.id, copy(props));
  }

  async save(worker: Worker): Promise<boolean> {
    this.check();
    const props = worker.toProps();
    const stored = this.workers.get(props.id);
    if (!stored || stored.version !== props.version) return false;
    this.assertUnique(props);
    this.workers.set(props.id, copy({ ...props, version: props.version + 1 }));
    return true;
  }

  async remove(id: string): Promise<boolean> {
    this.check();
    return this.workers.delete(id);
  }

  /** What the unique indexes refuse: another worker with this name (any case) or this endpoint. */
  private assertUnique(props: WorkerProps): void {
    for (const other of this.workers.values()) {
      if (other.id === props.id) continue;
      if (other.name.toLowerCase() === props.name.toLowerCase()) {
        throw new ConflictError('A worker with this name exists already', { field: 'name' });
      }
      if (other.endpoint === props.endpoint) {
        throw new ConflictError('A worker with this endpoint exists already', { field: 'endpoint' });
      }
    }
  }

  private sorted(): WorkerProps[] {
    return [...this.workers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
}

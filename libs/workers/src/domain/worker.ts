import { InvalidInputError } from '@app/common';
import { normalizeWorkerEndpoint } from './worker-endpoint';

export const RECONCILE_MODES = ['enforce', 'observe', 'paused'] as const;
export type ReconcileMode = (typeof RECONCILE_MODES)[number];

export interface WorkerProps {
  id: string;
  name: string;
  endpoint: string;
  username: string;
  /** The CML password, encrypted by the SecretCipher port; the plain text is never stored. */
  passwordCiphertext: string;
  verifyTls: boolean;
  caCertPem: string | null;
  enabled: boolean;
  reconcileMode: ReconcileMode;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface WorkerChanges {
  name?: string;
  endpoint?: string;
  username?: string;
  passwordCiphertext?: string;
  verifyTls?: boolean;
  caCertPem?: string | null;
  enabled?: boolean;
  reconcileMode?: ReconcileMode;
}

const PEM = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

/** A registered CML controller. */
export class Worker {
  private constructor(private props: WorkerProps) {}

  static register(
    input: Omit<WorkerProps, 'createdAt' | 'updatedAt' | 'version' | 'enabled' | 'reconcileMode'> &
      Partial<Pick<WorkerProps, 'enabled' | 'reconcileMode'>>,
    now: Date,
  ): Worker {
    return new Worker({
      ...input,
      name: Worker.validName(input.name),
      endpoint: normalizeWorkerEndpoint(input.endpoint),
      username: Worker.validUsername(input.username),
      caCertPem: Worker.validCa(input.caCertPem),
      enabled: input.enabled ?? true,
      reconcileMode: input.reconcileMode ?? 'enforce',
      createdAt: now,
      updatedAt: now,
      version: 0,
    });
  }

  static restore(props: WorkerProps): Worker {
    return new Worker({ ...props });
  }

  get id(): string {
    return this.props.id;
  }
  get name(): string {
    return this.props.name;
  }
  get endpoint(): string {
    return this.props.endpoint;
  }
  get enabled(): boolean {
    return this.props.enabled;
  }
  get reconcileMode(): ReconcileMode {
    return this.props.reconcileMode;
  }
  get version(): number {
    return this.props.version;
  }

  /** True when the CML connection (address, credentials, TLS) differs after the change. */
  apply(changes: WorkerChanges, now: Date): { connectionChanged: boolean } {
    const next: WorkerProps = { ...this.props };
    if (changes.name !== undefined) next.name = Worker.validName(changes.name);
    if (changes.endpoint !== undefined) next.endpoint = normalizeWorkerEndpoint(changes.endpoint);
    if (changes.username !== undefined) next.username = Worker.validUsername(changes.username);
    if (changes.passwordCiphertext !== undefined) next.passwordCiphertext = changes.passwordCiphertext;
    if (changes.verifyTls !== undefined) next.verifyTls = changes.verifyTls;
    if (changes.caCertPem !== undefined) next.caCertPem = Worker.validCa(changes.caCertPem);
    if (changes.enabled !== undefined) next.enabled = changes.enabled;
    if (changes.reconcileMode !== undefined) next.reconcileMode = changes.reconcileMode;
    // The stored password must never follow the worker to another server, user or weaker TLS: it
    // would be sent to whoever answers there.
    const redirectsCredentials =
      next.endpoint !== this.props.endpoint ||
      next.username !== this.props.username ||
      (this.props.verifyTls && !next.verifyTls) ||
      next.caCertPem !== this.props.caCertPem;
    if (redirectsCredentials && changes.passwordCiphertext === undefined) {
      throw new InvalidInputError(
        'password is required when the endpoint, username, verifyTls or caCertPem changes',
        [{ field: 'password', message: 'required with this change' }],
      );
    }
    const connectionChanged =
      next.endpoint !== this.props.endpoint ||
      next.username !== this.props.username ||
      next.passwordCiphertext !== this.props.passwordCiphertext ||
      next.verifyTls !== this.props.verifyTls ||
      next.caCertPem !== this.props.caCertPem;
    next.updatedAt = now;
    this.props = next;
    return { connectionChanged };
  }

  toProps(): WorkerProps {
    return { ...this.props };
  }

  private static validName(name: string): string {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) {
      throw new InvalidInputError('name must be 1 to 100 characters', [
        { field: 'name', message: 'must be 1 to 100 characters' },
      ]);
    }
    return trimmed;
  }

  private static validUsername(username: string): string {
    if (username.trim().length < 1 || username.length > 200) {
      throw new InvalidInputError('username must be 1 to 200 characters', [
        { field: 'username', message: 'must be 1 to 200 characters' },
      ]);
    }
    return username;
  }

  private static validCa(pem: string | null | undefined): string | null {
    if (pem === null || pem === undefined || pem.trim() === '') return null;
    if (!PEM.test(pem.trim())) {
      throw new InvalidInputError('caCertPem must be a PEM certificate', [
        { field: 'caCertPem', message: 'must be a PEM-encoded certificate' },
      ]);
    }
    return pem.trim() + '\n';
  }
}

import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CmlAddressPolicy } from './cml-address-policy';
import { CmlClient } from './cml-client';
import type { CmlClientOptions } from './cml-client-options.interface';
import { CML_CLIENT_OPTIONS } from './cml-client.constants';
import type { CmlConnectionSettings } from './cml-connection-settings.interface';
import { CmlRequestObserver } from './cml-request-observer';
import { fingerprintCmlSettings } from './cml-settings.fingerprint';
import type { CmlWorkerSettings } from './cml-worker-settings.type';

interface CachedClient {
  fingerprint: string;
  client: CmlClient;
}

/**
 * Hands out one {@link CmlClient} per worker, so the token and the keep-alive connections are
 * shared by everyone talking to that worker.
 */
@Injectable()
export class CmlClientFactory implements OnModuleDestroy {
  private readonly logger = new Logger(CmlClientFactory.name);
  private readonly clients = new Map<string, CachedClient>();
  // One policy for every client: the allow-list is process configuration, not a worker setting.
  private readonly addressPolicy: CmlAddressPolicy;

  constructor(
    @Inject(CML_CLIENT_OPTIONS) private readonly options: CmlClientOptions,
    private readonly observer: CmlRequestObserver,
  ) {
    this.addressPolicy = new CmlAddressPolicy(options.allowedPrivateCidrs ?? []);
  }

  /**
   * The client for `settings.workerId`. The cached client is reused while every setting is
   * unchanged; any change (endpoint, credentials, TLS, timeout) replaces it, and the old one is
   * disposed once its running requests finish.
   *
   * @throws CmlInvalidSettingsError when the settings cannot work (nothing is cached then).
   */
  forWorker(settings: CmlWorkerSettings): CmlClient {
    const resolved: CmlConnectionSettings = {
      ...settings,
      timeoutMs: settings.timeoutMs ?? this.options.timeoutMs,
    };
    const fingerprint = fingerprintCmlSettings(resolved);
    const cached = this.clients.get(resolved.workerId);
    if (cached?.fingerprint === fingerprint) {
      return cached.client;
    }
    const client = new CmlClient(resolved, this.observer, this.addressPolicy);
    if (cached) {
      // Only the id is logged: the settings hold the password.
      this.logger.log(
        `CML connection settings of worker "${resolved.workerId}" changed; replacing its client`,
      );
      cached.client.dispose();
    }
    this.clients.set(resolved.workerId, { fingerprint, client });
    return client;
  }

  /** Drops the cached client of a worker (e.g. when the worker is deleted) and releases its connections. */
  evict(workerId: string): void {
    this.clients.get(workerId)?.client.dispose();
    this.clients.delete(workerId);
  }

  /** Closes every pooled connection on shutdown so the process can exit promptly. */
  onModuleDestroy(): void {
    for (const workerId of [...this.clients.keys()]) {
      this.evict(workerId);
    }
  }
}

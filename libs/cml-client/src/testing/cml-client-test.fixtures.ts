import nock from 'nock';
import type { CmlConnectionSettings } from '../cml-connection-settings.interface';
import type { CmlRequestEvent } from '../cml-request-event.interface';
import { CmlRequestObserver } from '../cml-request-observer';

/** Secrets used by the specs; chosen to be unique so leak checks cannot match by accident. */
export const TEST_PASSWORD = 'pw-S3cret-7f1c9e';
export const TEST_TOKEN = 'tok-4d2a8b.e91f0c';
export const TEST_TOKEN_2 = 'tok-77aa19.c0ffee';
export const TEST_ENDPOINT = 'https://cml.test';
export const TEST_API = 'https://cml.test/api/v0';
/** Lab ids as CML 2.x writes them: lowercase UUIDs. */
export const LAB_1 = '0b5a9c1e-1d2f-4c3b-8a4e-5f6a7b8c9d01';
export const LAB_2 = '0b5a9c1e-1d2f-4c3b-8a4e-5f6a7b8c9d02';
export const SECRET_LAB = '5ec2e7aa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/** Settings of a worker reachable through nock at {@link TEST_ENDPOINT}. */
export function testSettings(overrides: Partial<CmlConnectionSettings> = {}): CmlConnectionSettings {
  return {
    workerId: 'w1',
    endpoint: TEST_ENDPOINT,
    username: 'admin',
    password: TEST_PASSWORD,
    verifyTls: true,
    caCertPem: null,
    timeoutMs: 2000,
    ...overrides,
  };
}

/** The body of CML's `POST /auth_extended` for the test user. */
export function authExtendedBody(token: string, admin = true): Record<string, unknown> {
  return { username: 'admin', id: '00000000-0000-4000-a000-000000000000', token, admin, error: null };
}

/** Observer that records events for assertions. */
export class RecordingCmlRequestObserver extends CmlRequestObserver {
  readonly events: CmlRequestEvent[] = [];

  observe(event: CmlRequestEvent): void {
    this.events.push(event);
  }
}

/** A CML `GET /labs/{id}` body as CML 2.x sends it. */
export function cmlLabBody(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    state: 'STOPPED',
    created: '2024-05-01T10:00:00+00:00',
    modified: '2024-05-02T10:00:00+00:00',
    lab_title: 'Lab at Mon 10:00 AM',
    lab_description: 'desc',
    lab_notes: '',
    owner: '00000000-0000-4000-a000-000000000000',
    owner_username: 'admin',
    owner_fullname: 'Admin',
    node_count: 3,
    link_count: 2,
    groups: [],
    ...overrides,
  };
}

/**
 * Every string reachable from `value` (own properties, including non-enumerable ones such as
 * `message` and `stack`), for "does this leak a secret" checks.
 */
export function collectStrings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) {
    return [];
  }
  seen.add(value);
  return Object.getOwnPropertyNames(value).flatMap((key) => [
    key,
    ...collectStrings((value as Record<string, unknown>)[key], seen),
  ]);
}

/**
 * Undoes nock for the rest of the jest worker. Each spec file loads its own nock copy, but they all
 * patch the same `http` module; without `restore()` the previous file's interceptor stays active
 * and swallows emulated socket errors of the next file.
 */
export function releaseNock(): void {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
}

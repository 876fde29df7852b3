/** What the service publishes: CloudEvents 1.0 attributes plus JSON data. */
export interface OutgoingCloudEvent {
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  data: Record<string, unknown>;
  /** Extension attributes (lowercase a-z0-9 names only, per the spec). */
  extensions: Record<string, string>;
}

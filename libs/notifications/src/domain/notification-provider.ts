/** Where a notification can go. */
export const NOTIFICATION_PROVIDERS = ['webex', 'slack', 'teams', 'email'] as const;
export type NotificationProvider = (typeof NOTIFICATION_PROVIDERS)[number];

/** Who receives one delivery: the provider's configured channel, or one person. */
export type Recipient = { kind: 'channel' } | { kind: 'person'; address: string };

/** What a configured provider can do. */
export interface ProviderCapability {
  provider: NotificationProvider;
  /** It has a channel (a webhook's space, a bot's room, NOTIFY_EMAIL_TO). */
  hasChannel: boolean;
  /** It can write to one person by email address (email; a Webex bot's toPersonEmail). */
  canAddressPerson: boolean;
}

/** `channel` or `person:<address>`: part of a delivery's id, and what the API shows. */
export function recipientKey(recipient: Recipient): string {
  return recipient.kind === 'channel' ? 'channel' : `person:${recipient.address.toLowerCase()}`;
}

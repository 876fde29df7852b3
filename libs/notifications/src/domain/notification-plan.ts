import { isOwnerRoute, Notification, NotificationRoute } from './notification';
import { NotificationProvider, ProviderCapability, Recipient } from './notification-provider';

/** How notifications are routed: which routes are on, which providers exist, who owners are. */
export interface NotificationRouting {
  routes: readonly NotificationRoute[];
  providers: readonly ProviderCapability[];
  /** Owner (CML username or user id) → email address. */
  ownerAddresses: Readonly<Record<string, string>>;
}

export interface PlannedDelivery {
  provider: NotificationProvider;
  recipient: Recipient;
}

/** The owner's address, by any name the owner is known by. */
export function ownerAddressOf(
  n: Notification,
  owners: Readonly<Record<string, string>>,
): string | undefined {
  if (!isOwnerRoute(n)) return undefined;
  for (const key of n.ownerKeys) {
    if (key !== '' && Object.prototype.hasOwnProperty.call(owners, key)) return owners[key];
  }
  return undefined;
}

/**
 * Which provider sends a notification to whom. A route that is off: nothing. A lab route whose owner
 * has an address: the providers that can write to a person write to the owner, and only to the owner; the
 * others post to their channel. Otherwise every provider with a channel posts to it.
 */
export function planNotifications(n: Notification, routing: NotificationRouting): PlannedDelivery[] {
  if (!routing.routes.includes(n.route)) return [];
  const owner = ownerAddressOf(n, routing.ownerAddresses);
  const planned: PlannedDelivery[] = [];
  for (const p of routing.providers) {
    if (owner !== undefined && p.canAddressPerson) {
      planned.push({ provider: p.provider, recipient: { kind: 'person', address: owner } });
    } else if (p.hasChannel) {
      planned.push({ provider: p.provider, recipient: { kind: 'channel' } });
    }
  }
  return planned;
}

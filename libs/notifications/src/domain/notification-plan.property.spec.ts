import fc from 'fast-check';
import { NOTIFICATION_ROUTES, NotificationRoute } from './notification';
import { planNotifications, NotificationRouting } from './notification-plan';
import { NOTIFICATION_PROVIDERS, ProviderCapability } from './notification-provider';
import { SAMPLE_NOTIFICATIONS } from '../testing/notification.fixtures';

const route = fc.constantFrom(...NOTIFICATION_ROUTES);
const capability: fc.Arbitrary<ProviderCapability> = fc.record({
  provider: fc.constantFrom(...NOTIFICATION_PROVIDERS),
  hasChannel: fc.boolean(),
  canAddressPerson: fc.boolean(),
});
const routing = (owners: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<NotificationRouting> =>
  fc.record({
    routes: fc.uniqueArray(route),
    providers: fc.uniqueArray(capability, { selector: (c) => c.provider, maxLength: 4 }),
    ownerAddresses: owners,
  });
const carolMapped = fc.constant<Record<string, string>>({ carol: 'carol@example.com' });
const nobodyMapped = fc.constantFrom<Record<string, string>>({}, { dave: 'dave@example.com' });

describe('planNotifications', () => {
  it('plans nothing for a route that is off', () => {
    fc.assert(
      fc.property(route, routing(fc.oneof(carolMapped, nobodyMapped)), (r, cfg) => {
        const off = { ...cfg, routes: cfg.routes.filter((x) => x !== r) };
        expect(planNotifications(SAMPLE_NOTIFICATIONS[r], off)).toEqual([]);
      }),
    );
  });

  it('owner mapped: the owner alone on providers that address a person, the channel on the others', () => {
    const ownerRoutes: NotificationRoute[] = ['lab-removed-outside', 'lab-deleted-by-other'];
    fc.assert(
      fc.property(fc.constantFrom(...ownerRoutes), routing(carolMapped), (r, cfg) => {
        const on = { ...cfg, routes: [r] };
        const planned = planNotifications(SAMPLE_NOTIFICATIONS[r], on);
        for (const p of cfg.providers) {
          const got = planned.filter((x) => x.provider === p.provider).map((x) => x.recipient);
          if (p.canAddressPerson) expect(got).toEqual([{ kind: 'person', address: 'carol@example.com' }]);
          else if (p.hasChannel) expect(got).toEqual([{ kind: 'channel' }]);
          else expect(got).toEqual([]);
        }
      }),
    );
  });

  it('owner not mapped, or a route about no lab: the channel on every provider that has one, nobody else', () => {
    fc.assert(
      fc.property(route, routing(fc.oneof(carolMapped, nobodyMapped)), (r, cfg) => {
        const n = SAMPLE_NOTIFICATIONS[r];
        const mapped = 'ownerKeys' in n && n.ownerKeys.some((k) => k in cfg.ownerAddresses);
        fc.pre(!mapped);
        const planned = planNotifications(n, { ...cfg, routes: [r] });
        expect(planned).toEqual(
          cfg.providers
            .filter((p) => p.hasChannel)
            .map((p) => ({ provider: p.provider, recipient: { kind: 'channel' } })),
        );
      }),
    );
  });

  it('finds the owner by user id as well as by username', () => {
    const planned = planNotifications(SAMPLE_NOTIFICATIONS['lab-removed-outside'], {
      routes: ['lab-removed-outside'],
      providers: [{ provider: 'email', hasChannel: false, canAddressPerson: true }],
      ownerAddresses: { 'u-carol': 'c@example.com' },
    });
    expect(planned).toEqual([{ provider: 'email', recipient: { kind: 'person', address: 'c@example.com' } }]);
  });

  it('a mapping key inherited from Object.prototype is no owner', () => {
    const n = { ...SAMPLE_NOTIFICATIONS['lab-removed-outside'], ownerKeys: ['constructor'] };
    const planned = planNotifications(n, {
      routes: ['lab-removed-outside'],
      providers: [{ provider: 'email', hasChannel: true, canAddressPerson: true }],
      ownerAddresses: {},
    });
    expect(planned).toEqual([{ provider: 'email', recipient: { kind: 'channel' } }]);
  });
});

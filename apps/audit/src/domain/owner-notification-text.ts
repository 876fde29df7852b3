import { LabOrphanRemovedData } from './lab-orphan-removed-data';

/** The chat message (Slack/Teams `text`) that tells an owner their lab vanished behind our back. */
export function ownerNotificationText(data: LabOrphanRemovedData): string {
  return `lab ${data.labTitle} of ${data.owner} on ${data.workerId} was deleted outside cml-labs`;
}

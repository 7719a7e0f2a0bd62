import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { emailOf } from './scenarios.ts';

// Synthetic customers for the import and scale benchmarks, as `users import` reads them (JSON Lines): every
// account has its own address (bench-<n>@bench.test, as the load scenarios expect) and shares one
// pre-computed password hash, since hashing is not what is measured.

const CHUNK = 2000;

function* chunks(count: number, passwordHash: string): Generator<string> {
  for (let from = 0; from < count; from += CHUNK) {
    let text = '';
    for (let i = from; i < Math.min(count, from + CHUNK); i++) {
      text += `${JSON.stringify({ email: emailOf(i), email_verified: true, display_name: `Bench ${i}`, locale: 'en', password_hash: passwordHash })}\n`;
    }
    yield text;
  }
}

export function usersStream(count: number, passwordHash: string): Readable {
  return Readable.from(chunks(count, passwordHash));
}

export async function writeUsersFile(file: string, count: number, passwordHash: string): Promise<void> {
  const output = createWriteStream(file);
  for (const text of chunks(count, passwordHash)) {
    if (!output.write(text)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
}

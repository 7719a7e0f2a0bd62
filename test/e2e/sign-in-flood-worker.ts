import { csrfToken, FormClient } from '../support/form-client.ts';

// The flood of F3, from its own process: attackers are other machines, so their HTTP clients should not
// share the event loop being measured (they still share the cores, as on a busy host).

const [baseUrl = '', flooders = '1'] = process.argv.slice(2);
let stop = false;
process.once('message', () => {
  stop = true;
});

const signInTimes: number[] = [];
const statuses = new Set<number>();

async function flooder(n: number): Promise<void> {
  const client = new FormClient(baseUrl);
  const token = csrfToken((await client.get('/d/default/signin')).body) ?? '';
  for (let i = 0; !stop; i++) {
    const start = performance.now();
    const result = await client.post('/d/default/signin', { _csrf: token, identifier: `flood-${n}-${i}@example.com`, password: `guess ${i}` }, { follow: false });
    signInTimes.push(performance.now() - start);
    statuses.add(result.status);
  }
}

await Promise.all(Array.from({ length: Number(flooders) }, (_, n) => flooder(n)));
process.send?.({ signInTimes, statuses: [...statuses] }, () => process.disconnect());

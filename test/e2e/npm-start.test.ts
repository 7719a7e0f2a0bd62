import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startChildLatchkey } from '../support/child-latchkey.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The README's first command ends in `npm start`, which is also what the benchmarks measure: it compiles
// the server to dist/ and runs that build with plain node, so the process operators run carries no tsx
// loader (whose thread and transpile cache cost about 50 MB of memory per instance).

async function serverArgs(pid: number): Promise<{ argv: string[]; nodeOptions: string }> {
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
  return { argv, nodeOptions: environ.find((entry) => entry.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '' };
}

describe('npm start', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
  });

  it('builds dist/ and runs the compiled server without tsx: the sign-in page and /readyz answer, SIGTERM ends it with status 0', async () => {
    const child = await startChildLatchkey({ DATABASE_URL: database.url }, { command: ['npm', 'start'] });
    try {
      const { argv, nodeOptions } = await serverArgs(child.serverPid);
      assert.ok(argv.includes('dist/main.js'), `the server runs the build: ${argv.join(' ')}`);
      assert.ok(!argv.some((arg) => arg.includes('tsx')) && !nodeOptions.includes('tsx'), `no tsx loader in ${argv.join(' ')} / NODE_OPTIONS=${nodeOptions}`);

      const page = await fetch(`${child.baseUrl}/d/default/signin`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Can.t access your account\?|Sign in/);
      const ready = await fetch(`${child.baseUrl}/readyz`);
      assert.equal(ready.status, 200);
      const styles = await fetch(`${child.baseUrl}/static/latchkey.css`);
      assert.equal(styles.status, 200, 'static files are found from the compiled server too');

      process.kill(child.serverPid, 'SIGTERM');
      assert.equal(await child.exited, 0, 'npm start exits 0 once the server has shut down');
    } finally {
      if (child.process.exitCode === null) child.kill();
    }
  });
});

import { readdir, readFile } from 'node:fs/promises';

// Where the machine's CPU time went during a scenario: Latchkey, PostgreSQL, the load generator itself,
// and everything together, read from /proc (Linux). The sign-in ratio compares sign-ins with what the
// whole machine can hash, so the time the other parts take on the same cores is what keeps it below 1.

export interface CpuSnapshot {
  readonly serverMs: number;
  readonly postgresMs: number;
  readonly loadGeneratorMs: number;
  /** CPU time of every process on the machine, idle excluded. */
  readonly machineBusyMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system time of one process (all its threads), or 0 if it has gone. */
export async function processCpuMs(pid: number | string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return 0;
  // Fields after the command name, which may itself contain spaces, start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU time of every PostgreSQL process on this machine (all its backends and workers). */
export async function postgresCpuMs(): Promise<number> {
  let total = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === 'postgres') total += await processCpuMs(pid);
  }
  return total;
}

async function machineBusyMs(): Promise<number> {
  const [, ...ticks] = ((await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already counted in
  // user and nice, and idle and iowait are not work.
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (ticks[i] ?? 0), 0);
  return busy * TICK_MS;
}

export async function cpuSnapshot(serverPid: number): Promise<CpuSnapshot> {
  const own = process.cpuUsage();
  return {
    serverMs: await processCpuMs(serverPid),
    postgresMs: await postgresCpuMs(),
    loadGeneratorMs: (own.user + own.system) / 1000,
    machineBusyMs: await machineBusyMs(),
  };
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  return {
    serverMs: after.serverMs - before.serverMs,
    postgresMs: after.postgresMs - before.postgresMs,
    loadGeneratorMs: after.loadGeneratorMs - before.loadGeneratorMs,
    machineBusyMs: after.machineBusyMs - before.machineBusyMs,
  };
}

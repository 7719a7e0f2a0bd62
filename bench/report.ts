import { percentile, type RunResult } from './load-run.ts';
import type { CpuSnapshot } from './machine-cpu.ts';
import { WARM_UP_MS } from './scenarios.ts';

// BENCHMARKS.md: its generated part is written whole by each run (the figures of one run only, never
// mixed with older ones); what follows the KEPT marker (bulk import, directory size, profiles, each with
// the command that produced it) is carried over unchanged.

export const KEPT = '<!-- Below: figures from other commands, each section naming its own; `npm run bench` keeps them as they are. -->';

/** The report followed by the kept part of the file it replaces. */
export function withKeptSections(report: string, previous: string): string {
  const at = previous.indexOf(KEPT);
  return at < 0 ? report : `${report}\n${previous.slice(at)}`;
}

export interface Measured<T extends RunResult = RunResult> {
  readonly result: T;
  /** CPU time during the scenario: the server's, PostgreSQL's, the load generator's and the machine's. */
  readonly cpu: CpuSnapshot;
  readonly cpuMsPerRequest: number;
  readonly peakRssMb: number;
}

export interface BenchFigures {
  readonly date: Date;
  readonly machine: string;
  /** 1-minute load averages when the run began and ended: how much else the shared machine was doing. */
  readonly load: readonly [number, number];
  readonly cores: number;
  readonly seconds: number;
  /** Raw argon2id verifications per second on all cores, just before and just after the sign-in scenario. */
  readonly rawVerifications: readonly [number, number];
  readonly page: Measured;
  readonly signIns: Measured;
  readonly resets: Measured<RunResult & { existingMs: number[]; unknownMs: number[] }>;
  /** Reset mail still in the outbox when the scenario's last request was answered, and how long it took to go. */
  readonly resetMail: { readonly pending: number; readonly ms: number };
  readonly verify: Measured;
  readonly roundTrip: Measured;
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–');
const rate = (r: RunResult) => r.requests / r.seconds;

function row(name: string, m: Measured): string {
  const r = m.result;
  const errors = r.errors ? ` (${r.errors} errors: ${r.firstError ?? ''})` : '';
  return `| ${name} | ${r.requests}${errors} | ${rate(r).toFixed(1)} | ${ms(percentile(r.latenciesMs, 50))} | ${ms(percentile(r.latenciesMs, 95))} | ${ms(percentile(r.latenciesMs, 99))} | ${ms(m.cpuMsPerRequest)} | ${m.peakRssMb.toFixed(0)} |`;
}

/**
 * Other work on the machine skews even the ratios: a run that started under it says so. Only the load
 * at the start tells: by the end the run's own scenarios, which keep every core busy, are in the figure.
 */
const busyWarning = (f: BenchFigures) =>
  f.load[0] > f.cores * 1.5 ? ' — the machine was busy with other work when the run began, so these figures, ratios included, are not to be relied on' : '';

const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

/**
 * Each sign-in's share of the machine: one verification's worth of all cores (what the baseline spends
 * on one), against what the server, PostgreSQL and the load generator spent per sign-in.
 */
function signInTime(f: BenchFigures, raw: number): string {
  const n = Math.max(1, f.signIns.result.requests);
  const per = (value: number) => ms(value / n);
  const { cpu } = f.signIns;
  return `## Where a sign-in's CPU time goes

Per sign-in during the sign-in scenario, from /proc: the ratio above is at most one verification's
share of the machine divided by everything the machine spent per sign-in, because the load generator
and PostgreSQL run on the same ${f.cores} cores as Latchkey.

| Part | CPU ms per sign-in |
|---|---|
| One argon2id verification (${f.cores} cores ÷ the raw rate) | ${ms((1000 * f.cores) / raw)} |
| Latchkey, hashing included | ${per(cpu.serverMs)} |
| PostgreSQL | ${per(cpu.postgresMs)} |
| Load generator | ${per(cpu.loadGeneratorMs)} |
| Whole machine | ${per(cpu.machineBusyMs)} |
`;
}

export function renderReport(f: BenchFigures): string {
  const raw = (f.rawVerifications[0] + f.rawVerifications[1]) / 2;
  const signInRatio = rate(f.signIns.result) / raw;
  const medianGap = Math.abs(percentile(f.resets.result.existingMs, 50) - percentile(f.resets.result.unknownMs, 50));
  const peakRss = Math.max(f.page.peakRssMb, f.signIns.peakRssMb, f.resets.peakRssMb, f.verify.peakRssMb, f.roundTrip.peakRssMb);
  return `# Benchmarks

Produced by \`npm run bench\` (bench/run.ts) on ${f.date.toISOString().slice(0, 10)}: ${f.machine}; 1-minute
load average ${f.load[0].toFixed(1)} at the start and ${f.load[1].toFixed(1)} at the end${busyWarning(f)}.
Latchkey runs as its own process, started as \`npm start\` starts it (the compiled build in \`dist/\`), on
PostgreSQL with mail to an in-process SMTP server; the load generator drives the real pages and forms,
cookies and CSRF tokens included, at a fixed concurrency for ${f.seconds} s per scenario (or until its
accounts are used up), after a warm-up that is not measured: ${WARM_UP_MS.each / 1000} s of each kind of request, ${WARM_UP_MS.resetRequests / 1000} s of
reset requests.
These machines are shared and noisy, so the headline figures are ratios and differences taken in the
same run; rerun before and after any change to a hot path and replace this file with the new output.

## Headline

| Figure | This run | Goal | |
|---|---|---|---|
| Sign-ins per second ÷ raw argon2id verifications per second (same parameters, all cores) | ${signInRatio.toFixed(3)} (${rate(f.signIns.result).toFixed(1)} ÷ ${raw.toFixed(1)}, the mean of ${f.rawVerifications[0].toFixed(1)} before and ${f.rawVerifications[1].toFixed(1)} after) | ≥ 0.95 | ${verdict(signInRatio >= 0.95)} |
| Server CPU per reset request (existing and unknown, mail delivery included) | ${ms(f.resets.cpuMsPerRequest)} ms | ≤ 1 ms | ${verdict(f.resets.cpuMsPerRequest <= 1)} |
| Reset request median, existing vs unknown address (R13) | ${ms(percentile(f.resets.result.existingMs, 50))} vs ${ms(percentile(f.resets.result.unknownMs, 50))} ms, difference ${ms(medianGap)} ms | < 1 ms | ${verdict(medianGap < 1)} |
| Server RSS, peak under load | ${peakRss.toFixed(0)} MB | ≤ 200 MB | ${verdict(peakRss <= 200)} |

## Scenarios

| Scenario | Requests | Requests/s | p50 ms | p95 ms | p99 ms | Server CPU ms/request | Peak RSS MB |
|---|---|---|---|---|---|---|---|
${row('Sign-in page GET (16 concurrent)', f.page)}
${row('Sign-in, right password', f.signIns)}
${row('Reset request, existing + unknown interleaved (8 concurrent)', f.resets)}
${row('Code verification, right code (8 concurrent)', f.verify)}
${row('Full reset round trip: request, code from SMTP, verify, new password (4 concurrent)', f.roundTrip)}

A round trip counts as one request in its row; its server CPU includes two page loads, three form posts,
one argon2id hash and the mail's delivery.

Reset mail keeping up: when the last reset request was answered, ${f.resetMail.pending} of its messages were still
in the outbox; all were delivered ${f.resetMail.ms.toFixed(0)} ms later. Their delivery is part of the CPU per
reset request either way; a backlog here means mail falls behind a flood of requests.

${signInTime(f, raw)}`;
}

import type { AuditRow } from './audit-query.ts';

// The audit log as CSV or JSON, one event at a time, so an export of any size streams. CSV cells are
// quoted where needed and defused for spreadsheets: a cell that starts with = + - @ (or a tab or carriage
// return, which some spreadsheets skip) is a formula there, so it gets a leading apostrophe (OWASP
// "CSV injection"). User agents and identifiers typed by anyone end up in these cells.

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | null | undefined): string {
  let text = value ?? '';
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const COLUMNS = ['time', 'type', 'outcome', 'directory', 'account_id', 'account_email', 'admin_email', 'ip', 'user_agent', 'detail'] as const;

function csvLine(row: AuditRow): string {
  const cells = [
    row.createdAt.toISOString(), row.type, row.outcome, row.directorySlug, row.accountId, row.accountEmail, row.adminEmail, row.ip, row.userAgent,
    JSON.stringify(row.detail ?? {}),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function jsonRecord(row: AuditRow): Record<string, unknown> {
  return {
    id: row.id, time: row.createdAt.toISOString(), type: row.type, outcome: row.outcome, directory: row.directorySlug,
    accountId: row.accountId, accountEmail: row.accountEmail, adminEmail: row.adminEmail, ip: row.ip, userAgent: row.userAgent, detail: row.detail,
  };
}

export async function* csvChunks(rows: AsyncIterable<AuditRow>): AsyncGenerator<string> {
  yield `${COLUMNS.join(',')}\r\n`;
  for await (const row of rows) yield csvLine(row);
}

export async function* jsonChunks(rows: AsyncIterable<AuditRow>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(jsonRecord(row))}`;
    first = false;
  }
  yield '\n]\n';
}

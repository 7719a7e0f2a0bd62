import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isCompleteCsvRecord, parseCsvRecord } from './csv.ts';

// Streams an import file one record at a time, never holding the whole file: JSON Lines (one object a
// line) or CSV with a header row. Each record carries the line it starts on, for the report.

export type FileFormat = 'jsonl' | 'csv';

export type FileRecord =
  | { readonly line: number; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly line: number; readonly error: string };

/** By extension: .csv is CSV; .jsonl, .ndjson and .json are JSON Lines. */
export function formatFromFileName(name: string): FileFormat | undefined {
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(name)) return 'jsonl';
  return undefined;
}

async function* jsonLines(input: Readable): AsyncGenerator<FileRecord> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) yield { line, fields: parsed as Record<string, unknown> };
    else yield { line, error: 'not a JSON object' };
  }
}

async function* csvRecords(input: Readable): AsyncGenerator<FileRecord> {
  let line = 0;
  let start = 0;
  let pending: string | undefined;
  let header: string[] | undefined;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (pending === undefined) start = line;
    pending = pending === undefined ? text : `${pending}\n${text}`;
    if (!isCompleteCsvRecord(pending)) continue;
    const record = pending;
    pending = undefined;
    if (record.trim() === '') continue;
    const values = parseCsvRecord(record);
    if (!header) {
      if (!values) throw new Error(`line ${start}: the CSV header row is malformed`);
      header = values.map((name) => name.trim());
      continue;
    }
    if (!values) yield { line: start, error: 'malformed CSV quoting' };
    else if (values.length !== header.length) yield { line: start, error: `has ${values.length} fields where the header has ${header.length}` };
    else yield { line: start, fields: Object.fromEntries(header.map((name, i) => [name, values[i]])) };
  }
  if (pending !== undefined) yield { line: start, error: 'a quoted field is never closed' };
}

export function readRecords(input: Readable, format: FileFormat): AsyncGenerator<FileRecord> {
  return format === 'csv' ? csvRecords(input) : jsonLines(input);
}

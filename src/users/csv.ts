// RFC 4180 CSV, as spreadsheets write it: fields quoted when they hold a comma, a quote or a line break,
// quotes doubled inside. A quoted field may span lines, so a record is complete only once its quotes are.

/** True when `text` ends outside a quoted field, i.e. it is a whole record. */
export function isCompleteCsvRecord(text: string): boolean {
  let quotes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) quotes += 1;
  return quotes % 2 === 0;
}

/** The fields of one whole record, or undefined when its quoting is broken. */
export function parseCsvRecord(text: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) return undefined;
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ',') return undefined;
      i += 1;
    } else {
      const comma = text.indexOf(',', i);
      const value = text.slice(i, comma === -1 ? undefined : comma);
      if (value.includes('"')) return undefined;
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

export function formatCsvRecord(values: readonly (string | boolean | null)[]): string {
  return values
    .map((value) => {
      const textValue = value === null ? '' : String(value);
      return /[",\r\n]/.test(textValue) ? `"${textValue.replaceAll('"', '""')}"` : textValue;
    })
    .join(',');
}

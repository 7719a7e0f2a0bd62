// A tiny HTML builder: every interpolated value is escaped unless it is itself built by `html`, so a
// template cannot forget to escape customer input.

const RAW = Symbol('raw-html');

export interface Html {
  readonly [RAW]: string;
  toString(): string;
}

function raw(value: string): Html {
  return { [RAW]: value, toString: () => value };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && RAW in value) return (value as Html)[RAW];
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return raw(out);
}

/** For text that is already safe markup, e.g. a catalog entry with a deliberate <strong>. Use rarely. */
export function trusted(markup: string): Html {
  return raw(markup);
}

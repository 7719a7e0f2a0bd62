import { auditQueryString, type AuditFilter } from '../../../audit/audit-filter.ts';
import { AUDIT_TYPES } from '../../../audit/audit-log.ts';
import type { AuditRow } from '../../../audit/audit-query.ts';
import { MAX_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS } from '../../../audit/audit-retention.ts';
import type { FunnelDay } from '../../../audit/reset-funnel.ts';
import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Directory } from '../../../storage/schema.ts';
import { alertBox, renderAdminPage, statusBox, type SignedInView } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';
import { resetFunnelSection } from './reset-funnel-section.ts';

// "Audit log": the installation-wide page (every directory the administrator may see) and each
// directory's own, with filters, newest-first pages, exports and the password reset funnel.

export const auditMessages = {
  title: 'Audit log',
  intro: 'Customer and administrator events, newest first. Times are UTC.',
  filters: 'Filter events',
  fieldType: 'Type',
  fieldOutcome: 'Outcome',
  fieldDirectory: 'Directory',
  fieldWho: 'Account or administrator',
  fieldWhoHint: 'Email, username or id',
  fieldFrom: 'From',
  fieldTo: 'To',
  any: 'Any',
  apply: 'Filter',
  clear: 'Clear filters',
  exportCsv: 'Export CSV',
  exportJson: 'Export JSON',
  empty: 'No event matches these filters.',
  newest: 'Newest',
  older: 'Older events',
  columnTime: 'Time',
  columnType: 'Type',
  columnOutcome: 'Outcome',
  columnDirectory: 'Directory',
  columnAccount: 'Account',
  columnAdmin: 'Administrator',
  columnIp: 'IP address',
  columnAgent: 'User agent',
  columnDetail: 'Detail',
  retentionTitle: 'Retention',
  retentionIntro: 'Events older than this are deleted automatically, for every directory.',
  retentionField: 'Keep events for (days)',
  retentionSaved: 'Retention saved.',
  retentionInvalid: `Enter a whole number of days from ${MIN_AUDIT_RETENTION_DAYS} to ${MAX_AUDIT_RETENTION_DAYS}. Nothing was changed.`,
  save: 'Save',
  badFilterTitle: 'These filters cannot be used',
  badFilter: 'A filter is not valid: check the type, the dates (YYYY-MM-DD, "from" not after "to") and the number of days (1 to 90), and that each appears once. Nothing was exported.',
} as const;
const m = auditMessages;

export interface AuditView extends SignedInView {
  /** Set on a directory's own page; absent on the installation-wide one. */
  readonly directory?: Directory;
  /** The directories the filter may choose from (installation-wide page). */
  readonly directories: readonly Directory[];
  readonly filter: AuditFilter;
  readonly rows: readonly AuditRow[];
  readonly olderBefore?: string;
  readonly paged: boolean;
  readonly funnel: readonly FunnelDay[];
  readonly funnelDays: number;
  /** Present when the administrator may change it (every directory). */
  readonly retentionDays?: number;
}

export const auditPath = (directory?: Directory, rest = ''): string => (directory ? directoryPath(directory.slug, `/audit${rest}`) : `/admin/audit${rest}`);

const select = (name: string, label: string, current: string | undefined, options: readonly { value: string; label: string }[]) =>
  html`<div class="field"><label for="filter-${name}">${label}</label><select id="filter-${name}" name="${name}">
<option value="">${m.any}</option>${options.map((o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.label}</option>`)}
</select></div>`;

function filterForm(view: AuditView): Html {
  const f = view.filter;
  const input = (name: 'outcome' | 'who' | 'from' | 'to', label: string, type: string, extra: Html = html``) =>
    html`<div class="field"><label for="filter-${name}">${label}</label><input type="${type}" id="filter-${name}" name="${name}" value="${f[name] ?? ''}" maxlength="320"${extra}></div>`;
  return html`<form method="get" action="${auditPath(view.directory)}" class="filters" aria-label="${m.filters}">
${select('type', m.fieldType, f.type, AUDIT_TYPES.map((t) => ({ value: t, label: t })))}
${input('outcome', m.fieldOutcome, 'text')}
${view.directory ? '' : select('directory', m.fieldDirectory, f.directory, view.directories.map((d) => ({ value: d.slug, label: `${d.display_name} (${d.slug})` })))}
${input('who', m.fieldWho, 'text', html` placeholder="${m.fieldWhoHint}"`)}
${input('from', m.fieldFrom, 'date')}
${input('to', m.fieldTo, 'date')}
<div class="field actions"><button type="submit">${m.apply}</button><a href="${auditPath(view.directory)}">${m.clear}</a></div>
</form>`;
}

function eventRow(row: AuditRow): Html {
  const detail = Object.keys(row.detail ?? {}).length ? JSON.stringify(row.detail) : '';
  return html`<tr>
<td>${row.createdAt.toISOString().replace('T', ' ').slice(0, 19)}</td>
<td><code>${row.type}</code></td>
<td class="outcome-${row.outcome}">${row.outcome}</td>
<td>${row.directorySlug ?? ''}</td>
<td class="wrap">${row.accountEmail ?? row.accountId ?? ''}</td>
<td class="wrap">${row.adminEmail ?? ''}</td>
<td>${row.ip ?? ''}</td>
<td class="wrap">${(row.userAgent ?? '').slice(0, 120)}</td>
<td class="wrap"><code>${detail}</code></td>
</tr>`;
}

function eventTable(view: AuditView): Html {
  if (view.rows.length === 0) return html`<p>${m.empty}</p>`;
  const head = [m.columnTime, m.columnType, m.columnOutcome, m.columnDirectory, m.columnAccount, m.columnAdmin, m.columnIp, m.columnAgent, m.columnDetail];
  return html`<div class="table-wrap"><table class="data events">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${view.rows.map(eventRow)}</tbody>
</table></div>`;
}

function pager(view: AuditView): Html {
  const base = auditPath(view.directory);
  return html`<nav class="pager" aria-label="Pages">
${view.paged ? html`<a href="${base}${auditQueryString(view.filter)}">${m.newest}</a>` : ''}
${view.olderBefore ? html`<a href="${base}${auditQueryString(view.filter, { before: view.olderBefore })}" rel="next">${m.older}</a>` : ''}
</nav>`;
}

function retentionForm(view: AuditView): Html {
  if (view.retentionDays === undefined || view.directory) return html``;
  return html`<section class="panel" aria-labelledby="retention-title">
<h2 id="retention-title">${m.retentionTitle}</h2>
<p>${m.retentionIntro}</p>
<form method="post" action="/admin/audit/retention" class="filters">
${csrfField(view.csrf)}
<div class="field"><label for="retention-days">${m.retentionField}</label><input type="number" id="retention-days" name="days" min="${MIN_AUDIT_RETENTION_DAYS}" max="${MAX_AUDIT_RETENTION_DAYS}" required value="${view.retentionDays}"></div>
<div class="field"><button type="submit">${m.save}</button></div>
</form>
</section>`;
}

export function auditPage(view: AuditView): string {
  const { directory } = view;
  const exportBase = auditPath(directory, '/export');
  const body = html`${directory ? html`<p class="eyebrow">${directory.display_name}</p>` : ''}
<h1>${m.title}</h1>
${directory ? directoryNav(directory, 'audit') : ''}
<p>${m.intro}</p>
${statusBox(view.notice)}
${alertBox(view.error)}
<section class="panel">${filterForm(view)}</section>
<p class="pager"><a href="${exportBase}${auditQueryString(view.filter, { format: 'csv' })}" download>${m.exportCsv}</a> <a href="${exportBase}${auditQueryString(view.filter, { format: 'json' })}" download>${m.exportJson}</a></p>
${eventTable(view)}
${pager(view)}
${resetFunnelSection({ days: view.funnel, dayCount: view.funnelDays, action: auditPath(directory), keep: { ...view.filter } as Record<string, string> })}
${retentionForm(view)}`;
  const crumbs = directory ? directoryCrumbs(directory, m.title) : [{ label: m.title }];
  return renderAdminPage({ title: directory ? `${directory.display_name} · ${m.title}` : m.title, admin: view.admin, csrf: view.csrf, breadcrumbs: crumbs }, body);
}

import { html, type Html } from '../../../http/html.ts';
import type { FunnelDay } from '../../../audit/reset-funnel.ts';

// The password reset funnel as a table with a bar per step. Bar widths are classes (w0…w100 in steps
// of 5) rather than inline styles: the Content-Security-Policy allows no inline style.

export const funnelMessages = {
  title: 'Password reset funnel',
  intro: 'Per day (UTC): reset flows started, flows whose emailed code was verified, and resets completed. Requests include unknown email addresses.',
  days: 'Days',
  show: 'Show',
  columnDay: 'Day',
  requested: 'Requested',
  verified: 'Code verified',
  completed: 'Completed',
} as const;
const m = funnelMessages;

const width = (value: number, max: number): string => `w${max === 0 ? 0 : Math.round((value / max) * 20) * 5}`;

function cell(value: number, max: number, kind: string): Html {
  return html`<td><span class="count">${value}</span><span class="bar ${kind} ${width(value, max)}" aria-hidden="true"></span></td>`;
}

export function resetFunnelSection(options: { days: readonly FunnelDay[]; dayCount: number; action: string; keep: Readonly<Record<string, string>> }): Html {
  const max = Math.max(0, ...options.days.map((d) => d.requested), ...options.days.map((d) => d.completed));
  const hidden = Object.entries(options.keep).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const rows = options.days.map(
    (d) => html`<tr><th scope="row">${d.day}</th>${cell(d.requested, max, 'requested')}${cell(d.verified, max, 'verified')}${cell(d.completed, max, 'completed')}</tr>`,
  );
  return html`<section class="panel" aria-labelledby="funnel-title">
<h2 id="funnel-title">${m.title}</h2>
<p>${m.intro}</p>
<form method="get" action="${options.action}" class="filters">
${hidden}
<div class="field"><label for="funnel-days">${m.days}</label><input type="number" id="funnel-days" name="days" min="1" max="90" value="${options.dayCount}"></div>
<div class="field"><button type="submit" class="quiet">${m.show}</button></div>
</form>
<div class="table-wrap"><table class="data funnel">
<thead><tr><th scope="col">${m.columnDay}</th><th scope="col">${m.requested}</th><th scope="col">${m.verified}</th><th scope="col">${m.completed}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
</section>`;
}

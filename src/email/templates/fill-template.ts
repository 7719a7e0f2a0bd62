import { escapeHtml } from '../../http/html.ts';
import type { EmailContent } from './render-email.ts';
import { fillVariables, type TemplateVariable } from './template-variables.ts';

// An administrator's template filled with one message's values. The template's own HTML is theirs and
// kept as written; every value put into it is escaped, so a display name cannot add markup or links.

export function fillTemplate(template: { subject: string; html: string; text: string }, values: Readonly<Record<TemplateVariable, string>>): EmailContent {
  return {
    // A header is one line, whatever a value holds.
    subject: fillVariables(template.subject, values).replace(/[\r\n]+/g, ' ').trim(),
    html: fillVariables(template.html, values, escapeHtml),
    text: fillVariables(template.text, values),
  };
}

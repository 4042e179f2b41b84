import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MAIL_TEMPLATES = ['verify-email', 'password-reset', 'password-changed', 'email-changed'] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Template {
  subject: string;
  text: string;
  html: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/**
 * The mail templates (`templates/<name>.txt`, whose first line is `Subject: …`, and `<name>.html`), read once at
 * start. `{{name}}` placeholders are filled in; in the HTML part every value is HTML-escaped (user data: a username
 * or an address could carry markup). A placeholder without a value is a bug and throws.
 */
export class MailTemplates {
  private readonly templates = new Map<MailTemplate, Template>();

  constructor(directory: string = templatesDirectory()) {
    for (const name of MAIL_TEMPLATES) {
      const textFile = readFileSync(join(directory, `${name}.txt`), 'utf8');
      const match = /^Subject: (.+)\r?\n\r?\n/.exec(textFile);
      if (!match?.[1]) throw new Error(`Mail template ${name}.txt must start with "Subject: …" and a blank line`);
      this.templates.set(name, {
        subject: match[1].trim(),
        text: textFile.slice(match[0].length),
        html: readFileSync(join(directory, `${name}.html`), 'utf8'),
      });
    }
  }

  render(name: MailTemplate, values: Record<string, string>): RenderedMail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`Unknown mail template ${name}`);
    return {
      subject: fill(template.subject, values, (value) => value.replace(/[\r\n]+/g, ' ')),
      text: fill(template.text, values, (value) => value),
      html: fill(template.html, values, escapeHtml),
    };
  }
}

function fill(template: string, values: Record<string, string>, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Mail template placeholder {{${key}}} has no value`);
    return encode(value);
  });
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character] ?? character);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Beside the bundle (`dist/apps/auth-microservice/mail/templates`, copied there as a build asset) or beside this
 * file (specs, ts-node).
 */
function templatesDirectory(): string {
  const candidates = [join(__dirname, 'mail', 'templates'), join(__dirname, 'templates')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'verify-email.txt')));
  if (!found) throw new Error(`Mail templates not found (looked in ${candidates.join(', ')})`);
  return found;
}

import { escapeHtml, MAIL_TEMPLATES, MailTemplates } from './mail-templates';

const VALUES = {
  username: '<b>alice</b>',
  link: 'http://localhost:3000/reset-password?token=abc_DEF-123&x=1',
  expiresIn: '10 minutes',
  how: 'reset',
  at: '2026-01-01T00:00:00.000Z',
  forgotLink: 'http://localhost:3000/forgot-password',
  newEmail: 'a***@example.org',
};

describe('MailTemplates', () => {
  const templates = new MailTemplates();

  it.each(MAIL_TEMPLATES)('renders %s with a subject, a text part and an HTML part', (name) => {
    const mail = templates.render(name, VALUES);
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.text).not.toMatch(/\{\{/);
    expect(mail.html).not.toMatch(/\{\{/);
    expect(mail.html).toMatch(/^<!doctype html>/);
  });

  it('escapes user data in the HTML part only', () => {
    const mail = templates.render('verify-email', VALUES);
    expect(mail.html).toContain('&lt;b&gt;alice&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>alice</b>');
    expect(mail.text).toContain('<b>alice</b>');
  });

  it('puts the link with its token= parameter into the text part as is', () => {
    const mail = templates.render('password-reset', VALUES);
    expect(mail.text).toContain(VALUES.link);
    expect(mail.html).toContain('href="http://localhost:3000/reset-password?token=abc_DEF-123&amp;x=1"');
  });

  it('refuses a placeholder without a value', () => {
    expect(() => templates.render('verify-email', { username: 'x' })).toThrow(/placeholder/);
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

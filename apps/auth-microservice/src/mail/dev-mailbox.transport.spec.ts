import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DevMailbox } from './dev-mailbox.transport';

describe('DevMailbox (the development mailbox, SMTP_URL unset)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes each mail as <outbox id>.eml (owner only) with both parts, and logs its link', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'dev-mailbox-')), 'mail');
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const mailbox = new DevMailbox(directory, 'Accounts <accounts@auth.test>');
    const link = 'http://localhost:3002/verify-email?token=abc_DEF-123';

    await mailbox.send({
      id: '0190a000-0000-7000-8000-000000000001',
      to: 'alice@example.com',
      subject: 'Verify your email address',
      text: `Open ${link}\n`,
      html: `<a href="${link}">Verify</a>`,
    });

    expect(readdirSync(directory)).toEqual(['0190a000-0000-7000-8000-000000000001.eml']);
    const file = join(directory, '0190a000-0000-7000-8000-000000000001.eml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const eml = readFileSync(file, 'utf8');
    expect(eml).toMatch(/^To: alice@example\.com$/m);
    expect(eml).toMatch(/^Message-ID: <0190a000-0000-7000-8000-000000000001@auth\.test>$/m);
    expect(eml).toContain('text/plain');
    expect(eml).toContain('text/html');
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`link: ${link}`));
    mailbox.close();
  });
});

import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AuditLog } from './audit-log.service';

describe('AuditLog', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes one structured line per event and counts it', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const registry = new Registry();
    const audit = new AuditLog(registry);

    audit.record('login.succeeded', { userId: 'u1', clientIp: '192.0.2.1' });
    audit.record('login.failed', { clientIp: '192.0.2.1' });
    audit.record('login.failed', { clientIp: '192.0.2.1' });

    expect(log).toHaveBeenCalledWith(
      { audit: true, event: 'login.succeeded', userId: 'u1', clientIp: '192.0.2.1' },
      'login.succeeded',
    );
    expect(warn).toHaveBeenCalledTimes(2);
    const text = await registry.metrics();
    expect(text).toContain('auth_security_events_total{event="login.failed"} 2');
    expect(text).toContain('auth_security_events_total{event="login.succeeded"} 1');
    expect(text).toContain('auth_security_events_total{event="login.throttled"} 0');
  });
});

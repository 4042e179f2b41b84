import { Logger } from '@nestjs/common';
import { OutageReport } from './outage-report';

describe('OutageReport', () => {
  it('warns at the first failure of each outage and logs its end, and says nothing while all is well', () => {
    const logger = new Logger('Spec');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(logger, 'log').mockImplementation(() => undefined);
    const report = new OutageReport(logger);
    const line = jest.fn((text: string) => () => text);

    report.succeeded(line('not an outage'));
    report.failed(line('down 1'));
    report.failed(line('down 2'));
    report.failed(line('down 3'));
    report.succeeded(line('back 1'));
    report.succeeded(line('back 2'));
    report.failed(line('down 4'));

    expect(warn.mock.calls).toEqual([['down 1'], ['down 4']]);
    expect(log.mock.calls).toEqual([['back 1']]);
  });
});

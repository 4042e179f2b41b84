import { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { type ClientError, clientErrorCode, clientErrorResponse, handleClientError } from './client-error-handler';

const errorWithCode = (code: string): ClientError => Object.assign(new Error(code), { code });

describe('the client error handler', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 'REQUEST_TIMEOUT'],
    ['HPE_HEADER_OVERFLOW', 'HEADERS_TOO_LARGE'],
    ['HPE_INVALID_METHOD', 'BAD_REQUEST'],
  ])('maps %s to %s', (nodeCode, code) => {
    expect(clientErrorCode(errorWithCode(nodeCode))).toBe(code);
  });

  it('writes a complete HTTP answer with the standard error body and closes', () => {
    const raw = clientErrorResponse('REQUEST_TIMEOUT');
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(head).toContain('Connection: close');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toEqual({ statusCode: 408, code: 'REQUEST_TIMEOUT', message: expect.any(String) });
  });

  it('answers on a writable socket, then destroys it', () => {
    const socket = new Socket();
    Object.defineProperty(socket, 'writable', { value: true });
    const write = jest.spyOn(socket, 'write').mockImplementation(() => true);
    const destroy = jest.spyOn(socket, 'destroy').mockImplementation(() => socket);

    handleClientError(errorWithCode('HPE_HEADER_OVERFLOW'), socket);

    expect(write).toHaveBeenCalledWith(expect.stringMatching(/^HTTP\/1\.1 431 /));
    expect(destroy).toHaveBeenCalled();
  });

  it('leaves a connection the peer already reset alone', () => {
    const socket = new Socket();
    const write = jest.spyOn(socket, 'write');
    handleClientError(errorWithCode('ECONNRESET'), socket);
    expect(write).not.toHaveBeenCalled();
  });
});

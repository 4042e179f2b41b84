import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { ERROR_CODES, ERROR_MESSAGES, ERROR_STATUS, type ErrorCode } from '@nestjs-microservices/shared';

/** What Node's HTTP server reports on a connection before any request reaches Fastify's routing. */
export interface ClientError extends Error {
  code?: string;
}

/** The socket's in-flight response, an internal of `node:http` (what Node itself checks before answering). */
interface HttpSocket extends Socket {
  _httpMessage?: { headersSent?: boolean } | null;
}

const logger = new Logger('HttpServer');

export function clientErrorCode(error: ClientError): ErrorCode {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ERROR_CODES.REQUEST_TIMEOUT;
    case 'HPE_HEADER_OVERFLOW':
      return ERROR_CODES.HEADERS_TOO_LARGE;
    default:
      return ERROR_CODES.BAD_REQUEST;
  }
}

/** The raw HTTP/1.1 answer for a connection-level error, with the standard error body, closing the connection. */
export function clientErrorResponse(code: ErrorCode): string {
  const status = ERROR_STATUS[code];
  const message: string = (ERROR_MESSAGES as Partial<Record<ErrorCode, string>>)[code] ?? STATUS_CODES[status] ?? code;
  const body = JSON.stringify({ statusCode: status, code, message });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * Fastify's `clientErrorHandler`: a request not fully received within `HTTP_REQUEST_TIMEOUT_MS`
 * (408 REQUEST_TIMEOUT), headers over Node's limit (431 HEADERS_TOO_LARGE) or a request that is
 * not HTTP (400 BAD_REQUEST) get the one error shape too, and the connection is closed.
 */
export function handleClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = clientErrorCode(error);
  logger.debug(`${code} from ${socket.remoteAddress ?? 'unknown'}: ${error.code ?? error.message}`);
  // Like Node: answer only if no response has started on this connection.
  if (socket.writable && !(socket as HttpSocket)._httpMessage?.headersSent) {
    socket.write(clientErrorResponse(code));
  }
  socket.destroy(error);
}

import { Server as NetServer, Socket } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonSocket, Server, ServerNats, ServerTCP } from '@nestjs/microservices';
import { NestMicroservice } from '@nestjs/microservices/nest-microservice';
import { deferred } from '../common/promise-state.spec-helpers';
import { BoundedJsonSocket, FrameTooLargeError } from './bounded-json-socket';

/**
 * AuthTcpServer, AuthNatsServer, BoundedJsonSocket and withCallTracking override or read members of NestJS 11 classes
 * that are not its documented extension points (private fields, protected methods, the order it calls them in). Each
 * is pinned here: a NestJS upgrade that renames, drops or reshapes one fails this spec by name, instead of silently
 * disabling a limit (frame size, graceful close, call tracking). On such a failure, re-read the class in
 * node_modules/@nestjs/microservices and adapt the override, then this pin.
 */
type Members = Record<string, number>;

function expectMethods(prototype: object, members: Members): void {
  const found = Object.fromEntries(
    Object.keys(members).map((name) => {
      const member: unknown = (prototype as Record<string, unknown>)[name];
      return [name, typeof member === 'function' ? member.length : 'missing'];
    }),
  );
  expect(found).toEqual(members);
}

describe('NestJS internals the auth service relies on', () => {
  it('is NestJS 11: on another major, re-check every pin below', () => {
    const { version } = jest.requireActual<{ version: string }>('@nestjs/microservices/package.json');
    expect(version).toMatch(/^11\./);
  });

  it('JsonSocket: handleData(data) and handleDataError(error, { destroy }) are protected methods we override', () => {
    expectMethods(JsonSocket.prototype, { handleData: 1, handleDataError: 1 });
  });

  it('JsonSocket: the private `contentLength` holds the length announced by the frame being read', () => {
    const socket = new JsonSocket(new Socket());
    const read = (data: string) => (socket as unknown as { handleData(data: string): void }).handleData(data);
    read('12#{"a"');
    expect((socket as unknown as Record<string, unknown>)['contentLength']).toBe(12);
    read(':123456}'); // complete: no frame being read
    expect(typeof (socket as unknown as Record<string, unknown>)['contentLength']).not.toBe('number');
  });

  it('BoundedJsonSocket: so a frame announced over the limit is refused at its `<length>#` prefix', () => {
    const socket = new BoundedJsonSocket(
      new Socket(),
      { maxFrameLength: 100, incompleteMessageTimeout: 1_000, maxSendBufferSize: 1_000 },
      () => undefined,
    );
    const read = (data: string) => (socket as unknown as { handleData(data: string): void }).handleData(data);
    expect(() => read('101#{')).toThrow(FrameTooLargeError);
  });

  it('ServerTCP: the protected and public members AuthTcpServer overrides or uses', () => {
    expectMethods(ServerTCP.prototype, {
      getSocketInstance: 1,
      bindHandler: 1,
      handleMessage: 2,
      send: 2,
      close: 0,
      handleError: 1,
      getRouteFromPattern: 1,
      addHandler: 2,
      getHandlerByPattern: 1,
    });
    const server = new ServerTCP({ port: 0 }) as unknown as Record<string, unknown>;
    expect(server['isManuallyTerminated']).toBe(false);
    expect(server['server']).toBeInstanceOf(NetServer);
    expect(server['messageHandlers']).toBeInstanceOf(Map);
  });

  it('ServerTCP: each reply of a request goes through send(), so AuthTcpServer can count the requests in flight', async () => {
    const server = new ServerTCP({ port: 0 });
    const send = jest.spyOn(server, 'send');
    server.addHandler('auth.x', () => Promise.resolve('reply'));
    const socket = { sendMessage: jest.fn() };
    await server.handleMessage(socket as never, { id: '1', pattern: 'auth.x', data: {} });
    await new Promise((resolve) => setImmediate(resolve));
    expect(send).toHaveBeenCalledTimes(1);
    expect(socket.sendMessage).toHaveBeenCalledWith(expect.objectContaining({ id: '1', isDisposed: true }));
  });

  it('ServerNats: the members AuthNatsServer overrides or uses (it subscribes by itself in bindEvents)', () => {
    expectMethods(ServerNats.prototype, {
      bindEvents: 1,
      handleMessage: 2,
      getPublisher: 3,
      close: 0,
      unwrap: 0,
      getRouteFromPattern: 1,
    });
    const server = new ServerNats({}) as unknown as Record<string, { serialize?: unknown }>;
    expect(typeof server['serializer']?.serialize).toBe('function');
  });

  it('Server: addHandler(pattern, callback, isEventHandler, extras) is where withCallTracking wraps each handler', () => {
    expectMethods(Server.prototype, { addHandler: 2, getRouteFromPattern: 1 });
    const server = new ServerTCP({ port: 0 });
    const handler = () => Promise.resolve(null);
    server.addHandler('auth.x', handler, false, {});
    expect(server.getHandlerByPattern('auth.x')).toBe(handler);
  });

  it('NestMicroservice.close() awaits what the strategy close() returns (graceful close waits for the requests)', async () => {
    @Module({})
    class EmptyModule {}
    const closing = deferred();
    const strategy = new ServerTCP({ port: 0 });
    strategy.close = () => closing.promise as never;
    const app = await NestFactory.createMicroservice(EmptyModule, { strategy, logger: false });
    expect(app).toBeInstanceOf(NestMicroservice);
    let closed = false;
    const close = app.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    closing.resolve();
    await close;
    expect(closed).toBe(true);
  });
});

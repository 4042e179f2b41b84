import { ServerTCP } from '@nestjs/microservices';
import pino from 'pino';
import { Registry } from 'prom-client';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { RpcCallTracker } from '../common/rpc-call-tracker';
import { RpcServerMetrics } from '../metrics/rpc-server.metrics';
import { withCallTracking } from './call-tracking';

describe('withCallTracking', () => {
  const TrackedServer = withCallTracking(ServerTCP);
  const tracker = () => new RpcCallTracker(new RpcServerMetrics(new Registry()), pino({ enabled: false }));

  it('registers request handlers wrapped by the tracker, so a message without valid meta never reaches them', async () => {
    const server = new TrackedServer({ port: 0 });
    const handler = jest.fn(() => Promise.resolve('reply'));
    server.trackCalls(tracker());
    server.addHandler('auth.login', handler);
    const registered = server.getHandlerByPattern('auth.login');

    const refused: unknown = await registered?.({ payload: {} });

    expect(isObservable(refused)).toBe(true);
    await expect(lastValueFrom(refused as Observable<unknown>)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(handler).not.toHaveBeenCalled();
    await expect(registered?.({ meta: { requestId: 'r-1' }, payload: {} })).resolves.toBe('reply');
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('leaves event handlers as they are', () => {
    const server = new TrackedServer({ port: 0 });
    const onEvent = jest.fn(() => Promise.resolve(undefined));
    server.trackCalls(tracker());
    server.addHandler('auth.sessions.revoked', onEvent, true);

    expect(server.getHandlerByPattern('auth.sessions.revoked')).toBe(onEvent);
  });
});

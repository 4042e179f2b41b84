import { RpcException } from '@nestjs/microservices';

/** The body of the `RpcException` the promise rejects with; fails when it resolves or rejects with anything else. */
export async function rpcErrorOf(promise: Promise<unknown>): Promise<unknown> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof RpcException)) throw new Error(`expected an RpcException, got ${String(error)}`);
  return error.getError();
}

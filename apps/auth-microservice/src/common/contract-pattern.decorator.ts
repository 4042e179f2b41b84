import { MessagePattern } from '@nestjs/microservices';
import type { AuthPattern, AuthRpcContract, RequestMeta } from '@nestjs-microservices/shared';

/** A handler of `P` as the contract has it: the request DTO (and who asked) in, the response out. */
export type ContractHandler<P extends AuthPattern> = (
  request: AuthRpcContract[P]['request'],
  meta: RequestMeta,
) => Promise<AuthRpcContract[P]['response']>;

/**
 * `@MessagePattern(pattern)`, checked against the contract at compile time: the method must take the pattern's
 * request type and answer its response type, the same `AuthRpcContract` that types the gateway's calls. A handler
 * wired to the wrong pattern, or a DTO or response changed on one side only, does not build.
 */
export function ContractPattern<P extends AuthPattern>(pattern: P) {
  return <H extends ContractHandler<P>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): TypedPropertyDescriptor<H> | void => MessagePattern(pattern)(target, key, descriptor);
}

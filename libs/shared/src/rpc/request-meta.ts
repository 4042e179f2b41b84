import { IsIP, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A well-formed request id: what the gateway accepts from `X-Request-Id`, and what it generates. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_HEADER = 'x-request-id';
export const USER_AGENT_MAX_LENGTH = 512;

/** Who asked: travels with every call from the gateway to the auth service. */
export class RequestMeta {
  @IsString()
  @Matches(REQUEST_ID_PATTERN)
  requestId!: string;

  @IsOptional()
  @IsIP()
  clientIp?: string;

  @IsOptional()
  @IsString()
  @MaxLength(USER_AGENT_MAX_LENGTH)
  userAgent?: string;
}

/** The data of every message the gateway sends: the contract DTO plus who asked for it. */
export interface RpcRequest<T> {
  meta: RequestMeta;
  payload: T;
}

/** The property of `RpcRequest` that holds the DTO, for `@Payload(RPC_PAYLOAD)`. */
export const RPC_PAYLOAD = 'payload' satisfies keyof RpcRequest<unknown>;
export const RPC_META = 'meta' satisfies keyof RpcRequest<unknown>;

import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '@nestjs-microservices/shared';

/** Who asks when no client does (the gateway's own polls): a fresh request id naming the task, no client address. */
export function backgroundMeta(task: string): RequestMeta {
  return { requestId: `gateway.${task}:${randomUUID()}` };
}

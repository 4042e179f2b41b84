import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_PATTERNS, type AuthHealthResponse, HealthCheckDto, RPC_PAYLOAD } from '@nestjs-microservices/shared';
import { ContractPattern } from '../common/contract-pattern.decorator';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Answering at all says the service is up; the reply says how its dependencies are. */
  @ContractPattern(AUTH_PATTERNS.health)
  check(@Payload(RPC_PAYLOAD) dto: HealthCheckDto): Promise<AuthHealthResponse> {
    return this.health.check(dto.timeoutMs);
  }
}

import { Controller } from '@nestjs/common';
import { AUTH_PATTERNS, type JwksResponse } from '@nestjs-microservices/shared';
import { ContractPattern } from '../common/contract-pattern.decorator';
import { SigningKeysService } from './signing-keys.service';

@Controller()
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @ContractPattern(AUTH_PATTERNS.jwks)
  jwks(): Promise<JwksResponse> {
    return this.keys.jwks();
  }
}

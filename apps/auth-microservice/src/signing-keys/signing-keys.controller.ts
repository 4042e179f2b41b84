import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AUTH_PATTERNS, type JwksResponse } from '@nestjs-microservices/shared';
import { SigningKeysService } from './signing-keys.service';

@Controller()
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @MessagePattern(AUTH_PATTERNS.jwks)
  jwks(): Promise<JwksResponse> {
    return this.keys.jwks();
  }
}

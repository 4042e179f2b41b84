import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import {
  AUTH_PATTERNS,
  type JwksResponse,
  LoginDto,
  type LoginResponse,
  type RequestMeta,
  SignupDto,
  type UserResponse,
} from '@nestjs-microservices/shared';
import { AdminController } from '../admin/admin.controller';
import { HealthController } from '../health/health.controller';
import { RecoveryController } from '../recovery/recovery.controller';
import { SessionsController } from '../sessions/sessions.controller';
import { SigningKeysController } from '../signing-keys/signing-keys.controller';
import { UsersController } from '../users/users.controller';
import { ContractPattern } from './contract-pattern.decorator';

const answer = <T>(): Promise<T> => Promise.reject(new Error('not called'));

describe('ContractPattern', () => {
  it('registers the handler for the pattern, as @MessagePattern does', () => {
    class Handlers {
      @ContractPattern(AUTH_PATTERNS.login)
      login(_dto: LoginDto, _meta: RequestMeta): Promise<LoginResponse> {
        return answer();
      }
    }
    expect(Reflect.getMetadata(PATTERN_METADATA, Handlers.prototype.login)).toEqual([AUTH_PATTERNS.login]);
  });

  it('refuses at compile time a handler whose request, response or pattern does not match the contract', () => {
    class Mismatched {
      // @ts-expect-error sign-up's request is SignupDto, not LoginDto (the fields differ)
      @ContractPattern(AUTH_PATTERNS.signup)
      takesTheWrongDto(_dto: { username: string; password: string; rememberMe: boolean }): Promise<UserResponse> {
        return answer();
      }

      // @ts-expect-error login answers LoginResponse (tokens and the user), not just the user
      @ContractPattern(AUTH_PATTERNS.login)
      answersTooLittle(_dto: LoginDto): Promise<UserResponse> {
        return answer();
      }

      // @ts-expect-error a handler of auth.jwks written for auth.signup
      @ContractPattern(AUTH_PATTERNS.jwks)
      wiredToTheWrongPattern(_dto: SignupDto): Promise<JwksResponse> {
        return answer();
      }
    }
    expect(Mismatched).toBeDefined();
  });

  it('every pattern of the contract has exactly one handler among the controllers', () => {
    const handled = [
      UsersController,
      SessionsController,
      SigningKeysController,
      HealthController,
      AdminController,
      RecoveryController,
    ].flatMap((type) =>
      Object.getOwnPropertyNames(type.prototype).flatMap(
        (name) =>
          (Reflect.getMetadata(PATTERN_METADATA, (type.prototype as unknown as Record<string, object>)[name]) as
            | string[]
            | undefined) ?? [],
      ),
    );
    expect([...handled].sort()).toEqual(Object.values(AUTH_PATTERNS).sort());
  });
});

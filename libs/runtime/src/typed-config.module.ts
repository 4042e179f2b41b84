import { type DynamicModule, Global, Module } from '@nestjs/common';

/**
 * Makes an already validated configuration object injectable everywhere by its class, so services
 * ask for `AuthConfig` and get typed settings, never `process.env`.
 */
@Global()
@Module({})
export class TypedConfigModule {
  static forRoot<T extends object>(token: abstract new (...args: never[]) => T, value: T): DynamicModule {
    return { module: TypedConfigModule, providers: [{ provide: token, useValue: value }], exports: [token] };
  }
}

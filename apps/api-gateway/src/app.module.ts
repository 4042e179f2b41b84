import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { loggingModule, provideContractValidation, TypedConfigModule } from '@nestjs-microservices/runtime';
import { ERROR_CODES, ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ApiError } from './common/api-error';
import { HttpErrorFilter } from './common/http-error.filter';
import { GatewayConfig } from './config/gateway-config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RecoveryModule } from './recovery/recovery.module';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forRoot(GatewayConfig, config),
        loggingModule(config, { service: 'gateway' }),
        // Before AuthModule: its access-token guard must run after the rate limit (global guards run in this order).
        RateLimitModule,
        AuthModule,
        AdminModule,
        RecoveryModule,
        HealthModule,
        MetricsModule.register(config),
      ],
      providers: [
        provideContractValidation(
          (details) => new ApiError(ERROR_CODES.VALIDATION_FAILED, ERROR_MESSAGES.VALIDATION_FAILED, details),
        ),
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}

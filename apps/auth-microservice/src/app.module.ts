import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { loggingModule, provideContractValidation, TypedConfigModule } from '@nestjs-microservices/runtime';
import { ERROR_CODES } from '@nestjs-microservices/shared';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { RpcErrorFilter } from './common/rpc-error.filter';
import { rpcFailure } from './common/rpc-failure';
import { RpcCallTracker } from './common/rpc-call-tracker';
import { AuthConfig } from './config/auth-config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RecoveryModule } from './recovery/recovery.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypedConfigModule.forRoot(AuthConfig, config),
        loggingModule(config, { service: 'auth' }),
        // Only the serving app runs the maintenance tasks (@Interval, @Timeout): the CLI commands do not import it.
        ScheduleModule.forRoot(),
        MetricsModule,
        DatabaseModule,
        AuditModule,
        SigningKeysModule,
        UsersModule,
        AdminModule,
        RecoveryModule,
        HealthModule,
      ],
      providers: [
        provideContractValidation((details) => rpcFailure(ERROR_CODES.VALIDATION_FAILED, details)),
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        RpcCallTracker,
      ],
    };
  }
}

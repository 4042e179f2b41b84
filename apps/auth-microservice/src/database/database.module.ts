import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { AuthConfig } from '../config/auth-config';
import { DatabaseMetrics } from '../metrics/database.metrics';
import { DATABASE, DATABASE_DIALECT } from './database.tokens';
import type { Database } from './database.types';
import { prepareSchema } from './migrate';
import { dialectOf, openDatabase } from './open-database';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      // Optional: the CLI commands (users:seed, keys:rotate) open the database without the metrics module.
      inject: [AuthConfig, { token: DatabaseMetrics, optional: true }],
      useFactory: async (config: AuthConfig, metrics?: DatabaseMetrics): Promise<Kysely<Database>> => {
        const logger = new Logger('Database');
        const { db, dialect, description } = openDatabase({ ...config.database, durability: metrics });
        try {
          const applied = await prepareSchema(db, dialect, config.database.migrate);
          logger.log(`Using ${description}${applied.length ? `; applied migrations: ${applied.join(', ')}` : ''}`);
        } catch (error) {
          await db.destroy();
          throw error;
        }
        return db;
      },
    },
    {
      provide: DATABASE_DIALECT,
      inject: [AuthConfig],
      useFactory: (config: AuthConfig) => dialectOf(config.database.url),
    },
    UnitOfWork,
  ],
  exports: [DATABASE, DATABASE_DIALECT, UnitOfWork],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypedConfigModule } from '@nestjs-microservices/runtime';
import { AuthConfig } from '../config/auth-config';
import { DatabaseModule } from '../database/database.module';
import { SigningKeyStoreModule } from '../signing-keys/signing-key-store.module';
import { SigningKeysService } from '../signing-keys/signing-keys.service';

@Module({})
class RotateKeysModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: RotateKeysModule,
      imports: [TypedConfigModule.forRoot(AuthConfig, config), DatabaseModule, SigningKeyStoreModule],
    };
  }
}

/**
 * `npm run keys:rotate`: adds the next signing key to the shared database and exits. Running instances publish it
 * within seconds and sign with it after SIGNING_KEY_PUBLISH_LEAD; the previous key stays published for the access
 * token lifetime, so nobody is logged out.
 */
export async function rotateKeys(config: AuthConfig): Promise<void> {
  const app = await NestFactory.createApplicationContext(RotateKeysModule.register(config), {
    logger: ['error', 'warn'],
  });
  try {
    const key = await app.get(SigningKeysService).rotate();
    process.stdout.write(
      `New signing key ${key.kid} (generation ${key.generation}): published now, signs from ${key.activatesAt.toISOString()}\n`,
    );
  } finally {
    await app.close();
  }
}

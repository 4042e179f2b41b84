import { Module } from '@nestjs/common';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/** The keys themselves (load, sign with, rotate): what token signing and the keys:rotate command need, and no timer. */
@Module({
  providers: [SigningKeysService, SigningKeysRepository],
  exports: [SigningKeysService],
})
export class SigningKeyStoreModule {}

import { Module } from '@nestjs/common';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysMaintenance } from './signing-keys.maintenance';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

@Module({
  controllers: [SigningKeysController],
  providers: [SigningKeysService, SigningKeysRepository, SigningKeysMaintenance],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}

import { Module } from '@nestjs/common';
import { SigningKeyStoreModule } from './signing-key-store.module';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysMaintenance } from './signing-keys.maintenance';

/** The running service's part: the key set served to gateways and the rotation timer (needs ScheduleModule). */
@Module({
  imports: [SigningKeyStoreModule],
  controllers: [SigningKeysController],
  providers: [SigningKeysMaintenance],
})
export class SigningKeysModule {}

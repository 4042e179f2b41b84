import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AccountDeletionService } from './account-deletion.service';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';
import { RecoveryController } from './recovery.controller';
import { RecoveryMaintenance } from './recovery.maintenance';

/** Email change and verification, password reset, account deletion (issue 18). */
@Module({
  imports: [UsersModule],
  controllers: [RecoveryController],
  providers: [EmailVerificationService, PasswordResetService, AccountDeletionService, RecoveryMaintenance],
})
export class RecoveryModule {}

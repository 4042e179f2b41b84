import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { AccountMail } from './account-mail.service';
import { AccountTokensRepository } from './account-tokens.repository';

/** The account's mails and link tokens, for the users module (sign-up, password change) and the recovery module. */
@Module({
  imports: [MailModule],
  providers: [AccountMail, AccountTokensRepository],
  exports: [AccountMail, AccountTokensRepository, MailModule],
})
export class AccountMailModule {}

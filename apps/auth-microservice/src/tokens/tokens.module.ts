import { Module } from '@nestjs/common';
import { SigningKeyStoreModule } from '../signing-keys/signing-key-store.module';
import { AccessTokens } from './access-tokens.service';

@Module({ imports: [SigningKeyStoreModule], providers: [AccessTokens], exports: [AccessTokens] })
export class TokensModule {}

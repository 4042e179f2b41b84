import { Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokens } from './access-tokens.service';

@Module({ imports: [SigningKeysModule], providers: [AccessTokens], exports: [AccessTokens] })
export class TokensModule {}

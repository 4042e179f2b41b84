import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TokenAuthModule } from '@nestjs-microservices/nest-auth';
import { ShutdownState } from '@nestjs-microservices/runtime';
import { ExampleConfig } from './config/example-config';
import { HealthController } from './health/health.controller';
import { NotesController } from './notes/notes.controller';
import { NotesRepository } from './notes/notes.repository';

/** A resource service protected only by `@nestjs-microservices/nest-auth`: every route needs a gateway token. */
@Module({})
export class AppModule {
  static register(config: ExampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [TokenAuthModule.forRoot(config.tokenAuth), TerminusModule],
      controllers: [NotesController, HealthController],
      providers: [{ provide: ExampleConfig, useValue: config }, NotesRepository, ShutdownState],
    };
  }
}

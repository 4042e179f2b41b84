import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

@Module({
  imports: [SessionsModule, RolesModule],
  controllers: [AdminController],
  providers: [AdminService, AdminUsersRepository],
})
export class AdminModule {}

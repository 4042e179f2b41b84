import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

@Module({
  imports: [SessionsModule, RolesModule, UsersModule],
  controllers: [AdminController],
  providers: [AdminService, AdminUsersRepository],
})
export class AdminModule {}

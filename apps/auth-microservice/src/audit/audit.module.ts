import { Global, Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log.service';
import { AuditMaintenance } from './audit.maintenance';

@Global()
@Module({
  providers: [AuditLog, AuditEventsRepository, AuditMaintenance],
  exports: [AuditLog, AuditEventsRepository],
})
export class AuditModule {}

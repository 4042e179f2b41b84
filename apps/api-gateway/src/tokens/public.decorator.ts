export { isPublicRoute, Public } from '@nestjs-microservices/nest-auth';

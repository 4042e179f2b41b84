export * from './contract-validation.pipe';
export * from './env';
export * from './env-schema';
export * from './log-levels';
export * from './logging/logging.module';
export * from './logging/request-context';
export * from './typed-config.module';

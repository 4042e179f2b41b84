export * from './contract-validation.pipe';
export * from './env';
export * from './env-schema';
export * from './log-levels';
export * from './typed-config.module';

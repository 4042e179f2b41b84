module.exports = {
  displayName: 'auth-microservice',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // @nestjs/schedule 12 ships ES modules only, which Jest's CommonJS runtime cannot load: compiled like our code
  // (allowJs in tsconfig.spec.json).
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/schedule/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/auth-microservice',
};

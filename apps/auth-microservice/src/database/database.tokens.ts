/** Injection token of the `Kysely<Database>` instance. */
export const DATABASE = Symbol('DATABASE');

/** Injection token of the `Dialect` ('sqlite' | 'postgres') of that instance. */
export const DATABASE_DIALECT = Symbol('DATABASE_DIALECT');

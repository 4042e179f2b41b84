/** Injection token of the `Kysely<Database>` instance. */
export const DATABASE = Symbol('DATABASE');

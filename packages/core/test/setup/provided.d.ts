// Types the values test/setup/postgres-global-setup.ts hands to tests through `inject()`.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server on which tests may create and drop databases. */
    pgUrl: string;
  }
}

/** The description of a by-id read: ownership is never revealed. */
export const byId = (noun: string): string => `The ${noun} with this id, if it is yours (404 otherwise, never 403)`;

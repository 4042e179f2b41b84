/** Associated data of a sealed mail body: a ciphertext cannot be moved to another row or part. */
export const bodyAad = (id: string, part: 'text' | 'html'): string => `mail:${id}:${part}`;

import type { UserResponse } from '@nestjs-microservices/shared';

/** A user as the auth service knows it. Never leaves the service: map it with `toUserResponse`. */
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: Date;
  /** Set while an administrator has disabled the account. */
  disabledAt: Date | null;
  /** The recovery address (normalised), or null. */
  email: string | null;
  /** When `email` was verified; null while it is not (a reset mail goes to a verified address only). */
  emailVerifiedAt: Date | null;
}

export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    username: user.username,
    createdAt: user.createdAt.toISOString(),
    email: user.email,
    emailVerified: user.email !== null && user.emailVerifiedAt !== null,
  };
}

/** The address a recovery mail or a notice may go to: only a verified one. */
export function verifiedEmailOf(user: Pick<User, 'email' | 'emailVerifiedAt'>): string | undefined {
  return user.email !== null && user.emailVerifiedAt !== null ? user.email : undefined;
}

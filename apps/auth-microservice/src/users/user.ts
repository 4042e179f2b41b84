import type { UserResponse } from '@nestjs-microservices/shared';

/** A user as the auth service knows it. Never leaves the service: map it with `toUserResponse`. */
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: Date;
  /** Set while an administrator has disabled the account. */
  disabledAt: Date | null;
}

export function toUserResponse(user: User): UserResponse {
  return { id: user.id, username: user.username, createdAt: user.createdAt.toISOString() };
}

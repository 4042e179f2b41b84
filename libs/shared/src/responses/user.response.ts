/** A user as anyone outside the auth service may see it: never a hash, never a password. */
export class UserResponse {
  id!: string;
  username!: string;
  /** ISO-8601, UTC. */
  createdAt!: string;
}

export class LoginResponse {
  user!: UserResponse;
}

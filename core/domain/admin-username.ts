/** Dashboard usernames: lower-case letters, digits, dot, dash and underscore, 3 to 64 characters. */
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** The stored form of a username (trimmed, lower-case); sign-in compares in this form too. */
export function normalizeUsername(text: string): string {
  return text.trim().toLowerCase();
}

export function findUsernameProblem(username: string): string | undefined {
  if (USERNAME.test(username)) return undefined;
  return 'use 3 to 64 characters: lower-case letters, digits, ".", "-" or "_", starting with a letter or digit';
}

/**
 * What makes a dashboard password acceptable: long enough to resist guessing at the slow hash's
 * speed, not containing the username, not one or two characters repeated, not a well-known password.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = 'too-short' | 'too-long' | 'contains-username' | 'too-few-characters' | 'well-known';

const COMMON = new Set([
  'password1234', 'passw0rd1234', '123456789012', '1234567890ab', 'qwertyuiop12', 'qwerty123456', 'admin1234567',
  'administrator', 'adminadmin12', 'iloveyou1234', 'katasandi123', 'rahasia12345', 'indonesia123', 'indonesia1945',
  'bismillah123', 'tangerang123', 'tangsel12345', 'diskominfo123', 'welcome12345', 'letmein12345',
]);

export function findPasswordProblem(password: string, username: string): PasswordProblem | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'too-long';
  const lower = password.toLowerCase();
  if (username !== '' && lower.includes(username.toLowerCase())) return 'contains-username';
  if (new Set(password).size < 4) return 'too-few-characters';
  if (COMMON.has(lower)) return 'well-known';
  return undefined;
}

const REASONS: Record<PasswordProblem, string> = {
  'too-short': `use at least ${MIN_PASSWORD_LENGTH} characters`,
  'too-long': `use at most ${MAX_PASSWORD_LENGTH} characters`,
  'contains-username': 'it must not contain the username',
  'too-few-characters': 'use more different characters',
  'well-known': 'it is a well-known password',
};

/** The problem in one English line, for the command line: "the password is too weak: use at least 12 characters". */
export function describePasswordProblem(problem: PasswordProblem): string {
  return `the password is too weak: ${REASONS[problem]}`;
}

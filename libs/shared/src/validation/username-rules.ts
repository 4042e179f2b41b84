import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * The scripts a username may be written in: UTS #31's Recommended Scripts (Table 5), which UTS #39's restriction
 * levels build on. Historic and limited-use scripts (Cherokee, Gothic, ...) add look-alikes of Latin letters and
 * few real users.
 */
const RECOMMENDED_SCRIPTS = [
  'Arabic',
  'Armenian',
  'Bengali',
  'Bopomofo',
  'Cyrillic',
  'Devanagari',
  'Ethiopic',
  'Georgian',
  'Greek',
  'Gujarati',
  'Gurmukhi',
  'Han',
  'Hangul',
  'Hebrew',
  'Hiragana',
  'Kannada',
  'Katakana',
  'Khmer',
  'Lao',
  'Latin',
  'Malayalam',
  'Myanmar',
  'Oriya',
  'Sinhala',
  'Tamil',
  'Telugu',
  'Thaana',
  'Thai',
  'Tibetan',
] as const;

const SCRIPT_TESTS = RECOMMENDED_SCRIPTS.map(
  (script) => [script, new RegExp(`^\\p{Script_Extensions=${script}}$`, 'u')] as const,
);

/**
 * UTS #39's writing systems that mix scripts (Japanese, Korean, Chinese with Bopomofo) count as one script each;
 * Latin is not added to them (stricter than "highly restrictive").
 */
const WRITING_SYSTEMS: Readonly<Record<string, readonly string[]>> = {
  Han: ['Japanese', 'Korean', 'Chinese'],
  Hiragana: ['Japanese'],
  Katakana: ['Japanese'],
  Hangul: ['Korean'],
  Bopomofo: ['Chinese'],
};

/** Neutral characters that belong to no script here. */
const NEUTRAL = /^[0-9._-]$/;
const VARIATION_SELECTOR = /\p{Variation_Selector}/u;
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const LETTER = /^\p{L}$/u;
const MARK = /^\p{M}$/u;
const NONSPACING_MARK = /^\p{Mn}$/u;
/** UTS #39 §5.4: more nonspacing marks than this on one letter is never needed by a real name. */
const MAX_NONSPACING_MARKS = 4;

export const USERNAME_RULE_MESSAGES = {
  variationSelector: 'username must not contain variation selectors (such as U+FE0F)',
  invisible: 'username must not contain invisible characters (default-ignorable code points such as U+200B or U+034F)',
  loneMark: 'username must not contain a combining mark that is not attached to a letter of its own script',
  stackedMarks: `username must not repeat a combining mark or stack more than ${MAX_NONSPACING_MARKS} on one letter`,
  script: `username may use letters of these scripts only: ${RECOMMENDED_SCRIPTS.join(', ')}`,
  mixedScripts:
    'username must use letters of one script only (Japanese may mix Han, Hiragana and Katakana; Korean Han and ' +
    'Hangul), plus the digits 0-9, ".", "_" and "-"',
} as const;

/** The recommended scripts a character is used with (its Script_Extensions), empty for Common/Inherited ones. */
function scriptsOf(char: string): string[] {
  return SCRIPT_TESTS.filter(([, test]) => test.test(char)).map(([script]) => script);
}

/** A script set widened by the writing systems it is part of, for the one-script check. */
function withWritingSystems(scripts: readonly string[]): Set<string> {
  return new Set(scripts.flatMap((script) => [script, ...(WRITING_SYSTEMS[script] ?? [])]));
}

/** Marks must sit on a letter (not a digit, `._-` or the start) and share its script unless they are Inherited. */
function markProblem(decomposed: string): string | undefined {
  let baseScripts: string[] | undefined;
  let stacked: string[] = [];
  for (const char of decomposed) {
    if (LETTER.test(char)) {
      baseScripts = scriptsOf(char);
      stacked = [];
    } else if (MARK.test(char)) {
      if (!baseScripts) return USERNAME_RULE_MESSAGES.loneMark;
      const markScripts = scriptsOf(char);
      if (markScripts.length > 0 && !markScripts.some((script) => baseScripts?.includes(script))) {
        return USERNAME_RULE_MESSAGES.loneMark;
      }
      if (NONSPACING_MARK.test(char)) {
        if (stacked.includes(char) || stacked.length === MAX_NONSPACING_MARKS) {
          return USERNAME_RULE_MESSAGES.stackedMarks;
        }
        stacked.push(char);
      }
    } else {
      baseScripts = undefined;
      stacked = [];
    }
  }
  return undefined;
}

/** UTS #39 §5.1's resolved script set must not be empty: one script (or writing system) for the whole name. */
function scriptProblem(username: string): string | undefined {
  let common: Set<string> | undefined;
  for (const char of username) {
    if (NEUTRAL.test(char)) continue;
    const scripts = scriptsOf(char);
    if (scripts.length === 0) {
      if (MARK.test(char)) continue; // Inherited marks take the script of their letter.
      return USERNAME_RULE_MESSAGES.script;
    }
    const widened = withWritingSystems(scripts);
    common = common ? new Set([...common].filter((script) => widened.has(script))) : widened;
    if (common.size === 0) return USERNAME_RULE_MESSAGES.mixedScripts;
  }
  return undefined;
}

/**
 * Why `username` (already NFKC-normalised) could pass for another name, or undefined. Checks only what makes a
 * name deceptive; the character set and length are checked by the DTO's other rules.
 */
export function usernameProblem(username: string): string | undefined {
  if (VARIATION_SELECTOR.test(username)) return USERNAME_RULE_MESSAGES.variationSelector;
  if (DEFAULT_IGNORABLE.test(username)) return USERNAME_RULE_MESSAGES.invisible;
  return markProblem(username.normalize('NFD')) ?? scriptProblem(username);
}

/**
 * Sign-up only: a login keeps accepting every name that exists, whatever later rules say. Names longer than
 * `maxLength` are left to the length rule, so that an oversized one costs no per-character script lookups.
 */
export function IsUnambiguousUsername(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isUnambiguousUsername',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => usernameProblem(String(args.value)) ?? 'username is ambiguous',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || value.length > maxLength || usernameProblem(value) === undefined,
      },
    });
  };
}

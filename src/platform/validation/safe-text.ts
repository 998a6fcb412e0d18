import { z } from 'zod';

/**
 * The one rule for text that reaches PostgreSQL or a mail header: no NUL (PostgreSQL text cannot hold
 * it), no lone UTF-16 surrogate (it has no UTF-8 form: PostgreSQL refuses it or it is silently altered),
 * and, where a field says so, no control characters. Every route's string schema and the user field
 * validators use it, so a bad character is a 400/422 with a stable code everywhere, never a 500.
 */

/** Which control characters a field accepts besides printable text. */
export type ControlRule =
  /** Identifiers, names, emails, keys: no control character at all (TAB included). */
  | 'none'
  /** Free text (a reason, a comment): TAB, LF and CR, nothing else. */
  | 'whitespace'
  /** Anything but NUL (passwords: whatever the person typed). */
  | 'any';

const loneSurrogate = /[\uD800-\uDFFF]/u;
const anyControl = /[\u0000-\u001f\u007f]/;
const controlButWhitespace = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export type TextProblem = 'nul' | 'lone_surrogate' | 'control_character';

/** Whether PostgreSQL can store `text` exactly: no NUL, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !loneSurrogate.test(text);
}

export function hasControlCharacters(text: string, rule: ControlRule): boolean {
  if (rule === 'any') return false;
  return (rule === 'none' ? anyControl : controlButWhitespace).test(text);
}

/** What is wrong with `text` under `rule`, or null. */
export function textProblem(text: string, rule: ControlRule = 'none'): TextProblem | null {
  if (text.includes('\u0000')) return 'nul';
  if (loneSurrogate.test(text)) return 'lone_surrogate';
  if (hasControlCharacters(text, rule)) return 'control_character';
  return null;
}

export const textProblemMessages: Record<TextProblem, string> = {
  nul: 'must not contain a NUL character',
  lone_surrogate: 'must be valid Unicode text (it holds an unpaired surrogate)',
  control_character: 'must not contain control characters',
};

export interface SafeStringOptions {
  /** Longest accepted length, in characters. */
  max: number;
  min?: number;
  /** Trim surrounding whitespace before the checks (the value handed on is trimmed). */
  trim?: boolean;
  controls?: ControlRule;
}

/** A Zod string that refuses what PostgreSQL cannot store and, per `controls`, control characters. */
export function safeString(options: SafeStringOptions) {
  let schema = z.string();
  if (options.trim) schema = schema.trim();
  if (options.min !== undefined) schema = schema.min(options.min, options.min === 1 ? 'is required' : `must be at least ${options.min} characters`);
  schema = schema.max(options.max, `must be at most ${options.max} characters`);
  const rule = options.controls ?? 'none';
  return schema.superRefine((value, context) => {
    const problem = textProblem(value, rule);
    if (problem) context.addIssue({ code: 'custom', message: textProblemMessages[problem] });
  });
}

import { isValidPhoneNumber, Metadata, parsePhoneNumberFromString } from 'libphonenumber-js';
import metadataJson from 'libphonenumber-js/metadata.min.json';

/**
 * libphonenumber-js's `isValidPhoneNumber` for international input, compiled once per calling code
 * from the library's own metadata (the same "min" set its default export uses).
 *
 * The library re-creates its metadata wrappers and `new RegExp(...)`s on every call (~5 µs a
 * number); this runs the same decisions with the regular expressions built once (~0.2 µs). It
 * follows the library step by step: the calling code is the first 1-3 digits the metadata knows;
 * the national prefix for parsing is tried on the rest; the country is the calling code's only
 * one, or the first whose leading digits match, or the first whose number types match; the
 * number is valid when the selected plan's national pattern and (where the plan has types) one
 * type's pattern and lengths match. Anything outside the plain shape `+digits` with single
 * spaces or hyphens between digit groups, and any number from which a national prefix would be
 * stripped, is left to the library itself. phone-validator.test.ts compares the two on over a
 * million generated numbers from every calling code.
 */

export type PhoneCheck = { valid: true; e164: string } | { valid: false };

interface LibraryType {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface LibraryPlan {
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): LibraryType | undefined;
}
interface LibraryMetadata {
  selectNumberingPlan(countryOrCallingCode: string): LibraryMetadata;
  numberingPlan: LibraryPlan;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  hasCallingCode(callingCode: string): boolean;
}

// getNumberType's order: FIXED_LINE, then the others; any match makes the type defined.
const numberTypes = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];
const MIN_NATIONAL = 2; // the library's MIN_LENGTH_FOR_NSN
const MAX_NATIONAL = 17; // MAX_LENGTH_FOR_NSN
const MAX_PLAIN_INPUT = 64;

class CompiledPlan {
  private readonly national: RegExp;
  private readonly types: { pattern: RegExp; lengths: readonly number[] | undefined }[] = [];
  private readonly hasTypes: boolean;
  readonly leadingDigits: RegExp | undefined;

  constructor(plan: LibraryPlan) {
    this.national = entire(plan.nationalNumberPattern());
    this.hasTypes = plan.hasTypes();
    for (const name of numberTypes) {
      const type = plan.type(name);
      if (!type || !type.pattern()) continue;
      this.types.push({ pattern: entire(type.pattern()), lengths: type.possibleLengths() });
    }
    const leading = plan.leadingDigits();
    // `search(leadingDigits) === 0` is a match at the start.
    this.leadingDigits = leading ? new RegExp(`^(?:${leading})`) : undefined;
  }

  /** getNumberType(...) !== undefined */
  hasType(national: string): boolean {
    if (!this.national.test(national)) return false;
    for (const type of this.types) {
      if (type.lengths && !type.lengths.includes(national.length)) continue;
      if (type.pattern.test(national)) return true;
    }
    return false;
  }

  /** isValidNumber once this plan is selected. */
  isValid(national: string): boolean {
    return this.hasTypes ? this.hasType(national) : this.national.test(national);
  }
}

interface CallingCodePlan {
  code: string;
  /** The plan the library selects for the bare calling code (its main country, or a non-geographic plan). */
  main: CompiledPlan;
  prefixForParsing: RegExp | undefined;
  /** Set when several countries share the calling code: the library then picks one by the national number. */
  countries: CompiledPlan[] | undefined;
}

function entire(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function compile(): Map<string, CallingCodePlan> {
  const metadata = new (Metadata as unknown as new () => LibraryMetadata)();
  const plans = new Map<string, CallingCodePlan>();
  const json = metadataJson as { country_calling_codes: Record<string, string[]>; nonGeographic?: Record<string, unknown> };
  for (const code of new Set([...Object.keys(json.country_calling_codes), ...Object.keys(json.nonGeographic ?? {})])) {
    if (!metadata.hasCallingCode(code)) continue;
    const main = metadata.selectNumberingPlan(code).numberingPlan;
    const prefix = main.nationalPrefixForParsing();
    const countryCodes = metadata.getCountryCodesForCallingCode(code);
    plans.set(code, {
      code,
      main: new CompiledPlan(main),
      prefixForParsing: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
      countries: countryCodes && countryCodes.length > 1 ? countryCodes.map((country) => new CompiledPlan(metadata.selectNumberingPlan(country).numberingPlan)) : undefined,
    });
  }
  return plans;
}

/** Plans indexed by the calling code's numeric value, one table per length (1, 2, 3 digits). */
function compileByPrefix(): (CallingCodePlan | undefined)[][] {
  const tables: (CallingCodePlan | undefined)[][] = [new Array(10), new Array(100), new Array(1000)];
  for (const [code, plan] of compile()) tables[code.length - 1]![Number(code)] = plan;
  return tables;
}

let compiled: (CallingCodePlan | undefined)[][] | undefined;
const invalid: PhoneCheck = { valid: false };
const plainDigits = /^\+\d+$/;
const groupedDigits = /^\+\d+(?:[ -]\d+)+$/;
const separators = /[ -]/g;

/** The compiled decision, or undefined when the input is one the library must judge itself. */
export function checkPlainPhone(text: string): PhoneCheck | undefined {
  if (text.length > MAX_PLAIN_INPUT) return undefined;
  let digits: string;
  if (plainDigits.test(text)) digits = text.slice(1);
  else if (groupedDigits.test(text)) digits = text.slice(1).replace(separators, '');
  else return undefined;
  const byPrefix = (compiled ??= compileByPrefix());
  // The first 1, 2 or 3 digits the metadata knows as a calling code (none starts with 0), looked up by value.
  let plan: CallingCodePlan | undefined;
  let prefix = 0;
  for (let length = 1; length <= 3 && length <= digits.length && !plan; length++) {
    prefix = prefix * 10 + digits.charCodeAt(length - 1) - 0x30;
    if (prefix !== 0) plan = byPrefix[length - 1]![prefix];
  }
  if (!plan) return invalid;
  const national = digits.slice(plan.code.length);
  if (national.length > 0 && plan.prefixForParsing) {
    const prefix = plan.prefixForParsing.exec(national);
    // A national prefix (or carrier code) would be stripped, then kept or not by possible lengths: the library's call.
    if (prefix && prefix[0].length > 0) return undefined;
  }
  if (national.length < MIN_NATIONAL || national.length > MAX_NATIONAL) return invalid;
  let selected = plan.main;
  if (plan.countries) {
    for (const country of plan.countries) {
      if (country.leadingDigits ? country.leadingDigits.test(national) : country.hasType(national)) {
        selected = country;
        break;
      }
    }
  }
  return selected.isValid(national) ? { valid: true, e164: `+${plan.code}${national}` } : invalid;
}

/** The library's own answer: isValidPhoneNumber, and the E.164 form it parses. */
export function checkPhoneWithLibrary(text: string): PhoneCheck {
  if (!isValidPhoneNumber(text)) return invalid;
  return { valid: true, e164: parsePhoneNumberFromString(text, { extract: false })!.number };
}

/** Whether `text` (trimmed, starting with +) is a valid international phone number, and its E.164 form. */
export function checkInternationalPhone(text: string): PhoneCheck {
  return checkPlainPhone(text) ?? checkPhoneWithLibrary(text);
}

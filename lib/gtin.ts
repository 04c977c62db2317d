// Release barcodes as distributors and catalogues print them: a UPC-A (12 digits), an EAN-13, or the same code as a
// zero-padded GTIN-14 (`00602445790951` is UPC-A `602445790951`). All are one GTIN: leading zeros change neither the
// number nor its mod-10 check digit, so any form is accepted and the lookups try each form a catalogue may hold.
// GS1 General Specifications, §7.9 (check digit calculation): https://www.gs1.org/standards/barcodes-epcrfid-id-keys/gs1-general-specifications

/** Digits only: spaces and hyphens as printed on sleeves and in spreadsheets are dropped. */
export const gtinDigits = (code: string): string => code.replace(/[\s-]/g, '');

/** A 12-, 13- or 14-digit GTIN whose last digit is its mod-10 check digit. */
export function isValidGtin(code: string): boolean {
  if (!/^\d{12,14}$/.test(code)) return false;
  const digits = code.split('').map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** The forms a catalogue may file the code under, shortest first: UPC-A (when it starts with zeros), EAN-13, GTIN-14. */
export function gtinLookupForms(code: string): string[] {
  const significant = gtinDigits(code).replace(/^0+/, '');
  const forms = [12, 13, 14].filter((n) => significant.length <= n).map((n) => significant.padStart(n, '0'));
  return forms.length > 0 ? forms : [gtinDigits(code)];
}

// ISO 4217 currencies and their minor units, from the runtime's ICU data. Budgets travel in minor units (cents);
// Meta reports spend in major units and Google in micros, so both are converted here.
const known = new Set(Intl.supportedValuesOf('currency'));

export function isIsoCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && known.has(code);
}

/** Digits after the decimal point: USD 2, JPY 0, KWD 3. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "12.34" (major units) → 1234 (minor units). */
export function majorToMinor(amount: string | number, currency: string): number {
  return Math.round(Number(amount) * 10 ** minorDigits(currency));
}

/** Minor units → micros (Google Ads money): 1 USD cent = 10,000 micros. */
export function minorToMicros(minor: number, currency: string): number {
  return minor * 10 ** (6 - minorDigits(currency));
}

export function microsToMinor(micros: number, currency: string): number {
  return Math.round(micros / 10 ** (6 - minorDigits(currency)));
}

// A budget in minor units, in words for findings and pages: 15000 USD → "USD 150.00".
import { minorDigits } from '../currency';

export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return `${currency} ${(minor / 10 ** digits).toFixed(digits)}`;
}

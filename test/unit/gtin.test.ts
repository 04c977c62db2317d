// Release barcodes in every printed form (lib/gtin.ts): UPC-A, EAN-13 and zero-padded GTIN-14 are one code.
import { gtinDigits, gtinLookupForms, isValidGtin } from '../../lib/gtin';

describe('GTIN forms of a release barcode', () => {
  it('accepts a UPC-A, its EAN-13 and its zero-padded GTIN-14, and refuses a wrong check digit or length', () => {
    for (const code of ['602445790951', '0602445790951', '00602445790951', '5099902894225', '05099902894225'])
      expect([code, isValidGtin(code)]).toEqual([code, true]);
    for (const code of ['602445790952', '00602445790950', '60244579095', '000602445790951', '60244579095x'])
      expect([code, isValidGtin(code)]).toEqual([code, false]);
    expect(gtinDigits(' 0 602445-790951 ')).toBe('0602445790951');
  });

  it('looks a code up under each form a catalogue may file it, shortest first', () => {
    expect(gtinLookupForms('00602445790951')).toEqual(['602445790951', '0602445790951', '00602445790951']);
    expect(gtinLookupForms('602445790951')).toEqual(['602445790951', '0602445790951', '00602445790951']);
    expect(gtinLookupForms('5099902894225')).toEqual(['5099902894225', '05099902894225']);
  });
});

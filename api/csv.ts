// One CSV cell for every export (fans, pre-save states): quoted when needed, spreadsheet formulas defused (a cell
// starting with = + - @ would run in Excel); an E.164 phone number (+ and digits only, validated on the way in) is
// left as it is.
export function csvCell(value: string): string {
  const formula = /^[=+\-@\t\r]/.test(value) && !/^\+\d{7,15}$/.test(value);
  const safe = formula ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

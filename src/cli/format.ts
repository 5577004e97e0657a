/** Number formatting and plain-text tables for the command line. */

/** 1234567 → "1.23 M"; keeps three significant digits. */
export function siNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const units: [number, string][] = [[1e9, ' G'], [1e6, ' M'], [1e3, ' K']];
  for (const [scale, suffix] of units) {
    if (Math.abs(value) >= scale) return `${(value / scale).toPrecision(3)}${suffix}`;
  }
  // Zero is exact ("0", not "0.00": a column of SSD write IOPS on a read-only workload).
  return value === 0 ? '0' : value.toPrecision(3);
}

/** An integer with thousands separators. */
export function integer(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
}

/** A number with a fixed count of decimals, or a dash. */
export function fixed(value: number, decimals: number): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : '—';
}

/** Microseconds, with precision that suits the magnitude. */
export function microseconds(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export interface Column<Row> {
  readonly title: string;
  readonly value: (row: Row) => string;
  /** Right-align (numbers); left otherwise. */
  readonly right?: boolean;
}

/** Renders rows as an aligned plain-text table. */
export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, index) => Math.max(column.title.length, ...cells.map((line) => line[index].length)));
  const render = (line: readonly string[]) =>
    line.map((cell, index) => (columns[index].right === true ? cell.padStart(widths[index]) : cell.padEnd(widths[index]))).join('  ').trimEnd();
  return [render(columns.map((column) => column.title)), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)].join('\n');
}

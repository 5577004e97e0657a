/**
 * Java `.properties` files, as `java.util.Properties.load` reads them — the format of YCSB's
 * workload files: `key=value`, `key: value` or `key value`; comment lines starting with `#`
 * or `!`; a line ending in an odd number of backslashes continues on the next; escapes
 * `\t \n \r \f \uXXXX`, and `\x` for any other x. Each property keeps the line it started on,
 * so errors can point at it.
 */
import { InputError } from '../errors.js';

export interface Property {
  readonly value: string;
  /** 1-based line the property starts on. */
  readonly line: number;
}

export interface ParsedProperties {
  readonly properties: ReadonlyMap<string, Property>;
  /** Properties set more than once (the last one counts, as in Java). */
  readonly duplicates: readonly { readonly name: string; readonly line: number; readonly firstLine: number }[];
}

/** Whether a line ends in an odd number of backslashes (a continuation). */
function continues(line: string): boolean {
  let backslashes = 0;
  for (let index = line.length - 1; index >= 0 && line[index] === '\\'; index--) backslashes++;
  return backslashes % 2 === 1;
}

function unescape(text: string, where: string): string {
  let result = '';
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character !== '\\' || index === text.length - 1) {
      result += character;
      continue;
    }
    const next = text[++index];
    if (next === 't') result += '\t';
    else if (next === 'n') result += '\n';
    else if (next === 'r') result += '\r';
    else if (next === 'f') result += '\f';
    else if (next === 'u') {
      const hex = text.slice(index + 1, index + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new InputError(`${where}: malformed \\uXXXX escape "\\u${hex}"`);
      result += String.fromCharCode(Number.parseInt(hex, 16));
      index += 4;
    } else {
      result += next;
    }
  }
  return result;
}

/** Parses the text of a properties file; `name` is used in error messages. */
export function parseProperties(text: string, name: string): ParsedProperties {
  const lines = text.split(/\r\n|\r|\n/);
  const properties = new Map<string, Property>();
  const duplicates: { name: string; line: number; firstLine: number }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const startLine = index + 1;
    let logical = lines[index].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (continues(logical) && index + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++index].replace(/^[ \t\f]+/, '');
    }
    if (continues(logical)) logical = logical.slice(0, -1);
    // The key ends at the first unescaped '=', ':' or whitespace.
    let keyEnd = 0;
    while (keyEnd < logical.length) {
      const character = logical[keyEnd];
      if (character === '\\') {
        keyEnd += 2;
        continue;
      }
      if (character === '=' || character === ':' || character === ' ' || character === '\t' || character === '\f') break;
      keyEnd++;
    }
    let valueStart = keyEnd;
    while (valueStart < logical.length && /[ \t\f]/.test(logical[valueStart])) valueStart++;
    if (valueStart < logical.length && (logical[valueStart] === '=' || logical[valueStart] === ':')) valueStart++;
    while (valueStart < logical.length && /[ \t\f]/.test(logical[valueStart])) valueStart++;
    const where = `${name}:${startLine}`;
    const key = unescape(logical.slice(0, Math.min(keyEnd, logical.length)), where);
    const value = unescape(logical.slice(valueStart), where);
    const earlier = properties.get(key);
    if (earlier !== undefined) duplicates.push({ name: key, line: startLine, firstLine: earlier.line });
    properties.set(key, { value, line: startLine });
  }
  return { properties, duplicates };
}

/**
 * A small checker for the JSON Schema subset in schema.ts (type, enum, bounds, lengths,
 * pattern, properties, required, items, uniqueItems). Unknown keys in the value are
 * allowed: documents carry fields we do not understand.
 */
import { isPlainObject } from './json';
import type { IJsonSchema, JsonSchemaType } from './schema';

export interface ISchemaProblem {
  /** Path of the offending value: property names and array indexes. */
  path: (string | number)[];
  /** Title of the innermost schema, for messages ("Secret name"). */
  title?: string;
  message: string;
}

const patternCache = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let regex = patternCache.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'u');
    patternCache.set(pattern, regex);
  }
  return regex;
}

function typeOf(value: unknown): JsonSchemaType {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value as JsonSchemaType;
}

function matchesType(value: unknown, type: JsonSchemaType): boolean {
  const actual = typeOf(value);
  if (type === 'number') {
    return actual === 'number' || actual === 'integer';
  }
  return actual === type;
}

const TYPE_NAMES: Record<JsonSchemaType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null'
};

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (isPlainObject(value)) {
    return 'an object';
  }
  return String(value);
}

export interface ICheckOptions {
  /**
   * Only report values of the wrong JSON type (a number where a string belongs), not
   * values that break bounds, patterns, enums or required fields.
   */
  typesOnly?: boolean;
}

/** Problems of `value` against `schema`; [] when it conforms. */
export function checkSchema(
  value: unknown,
  schema: IJsonSchema,
  path: (string | number)[] = [],
  options: ICheckOptions = {}
): ISchemaProblem[] {
  const problems: ISchemaProblem[] = [];
  // One path stack for the walk, copied only into a problem: the walk runs for every node
  // on every validation, and per-level arrays made it allocation (GC) bound.
  Private.walk(value, schema, [...path], options, problems);
  return problems;
}

/**
 * Whether `value` conforms to `schema` (checkSchema would find nothing), without a path
 * stack or problem list: validation asks this of every property of every node, and
 * builds the problems only for the few values that fail.
 */
export function conformsToSchema(value: unknown, schema: IJsonSchema, options: ICheckOptions = Private.NO_OPTIONS): boolean {
  return Private.walk(value, schema, null, options, null);
}

namespace Private {
  export const NO_OPTIONS: ICheckOptions = Object.freeze({});

  function matchesSchemaType(value: unknown, type: JsonSchemaType | JsonSchemaType[]): boolean {
    if (!Array.isArray(type)) {
      return matchesType(value, type);
    }
    for (const one of type) {
      if (matchesType(value, one)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks `value`, adding its problems to `problems`; true when there are none. Without
   * `problems` (and `path`), it only answers that, stopping at the first problem.
   */
  export function walk(
    value: unknown,
    schema: IJsonSchema,
    path: (string | number)[] | null,
    options: ICheckOptions,
    problems: ISchemaProblem[] | null
  ): boolean {
    // No closures or arrays on the happy path: it runs for every value of every node.
    if (schema.type !== undefined && !matchesSchemaType(value, schema.type)) {
      if (problems) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        const names = types.map(type => TYPE_NAMES[type]).join(' or ');
        problems.push({ path: [...path!], title: schema.title, message: `must be ${names}, not ${describeValue(value)}` });
      }
      return false;
    }
    let ok = options.typesOnly ? true : checkConstraints(value, schema, path, problems);
    if (!ok && !problems) {
      return false;
    }
    if (Array.isArray(value) && schema.items) {
      for (let index = 0; index < value.length; index++) {
        path?.push(index);
        ok = walk(value[index], schema.items, path, options, problems) && ok;
        path?.pop();
        if (!ok && !problems) {
          return false;
        }
      }
    }
    if (isPlainObject(value) && schema.properties) {
      for (const key in schema.properties) {
        if (value[key] !== undefined) {
          path?.push(key);
          ok = walk(value[key], schema.properties[key], path, options, problems) && ok;
          path?.pop();
          if (!ok && !problems) {
            return false;
          }
        }
      }
    }
    return ok;
  }
}

/** Adds a problem at `path` (when problems are being collected). */
function report(problems: ISchemaProblem[] | null, path: (string | number)[] | null, schema: IJsonSchema, message: string): void {
  problems?.push({ path: [...path!], title: schema.title, message });
}

/** Everything but the type: enum, bounds, lengths, pattern, uniqueness, required keys. True when all hold. */
function checkConstraints(
  value: unknown,
  schema: IJsonSchema,
  path: (string | number)[] | null,
  problems: ISchemaProblem[] | null
): boolean {
  let ok = true;
  if (schema.enum && !schema.enum.includes(value as never)) {
    ok = false;
    report(
      problems,
      path,
      schema,
      `must be one of ${schema.enum.map(option => JSON.stringify(option)).join(', ')}, not ${describeValue(value)}`
    );
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      ok = false;
      report(problems, path, schema, 'must be a finite number');
    } else if (schema.exclusiveMinimum !== undefined && !(value > schema.exclusiveMinimum)) {
      ok = false;
      report(problems, path, schema, `must be greater than ${schema.exclusiveMinimum}, not ${value}`);
    } else if (schema.minimum !== undefined && value < schema.minimum) {
      ok = false;
      report(problems, path, schema, `must be at least ${schema.minimum}, not ${value}`);
    } else if (schema.maximum !== undefined && value > schema.maximum) {
      ok = false;
      report(problems, path, schema, `must be at most ${schema.maximum}, not ${value}`);
    }
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      ok = false;
      report(problems, path, schema, schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`);
    } else if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      ok = false;
      report(problems, path, schema, `must be at most ${schema.maxLength} characters long`);
    } else if (schema.pattern !== undefined && value !== '' && !compiled(schema.pattern).test(value)) {
      // Empty strings are "not set" in Elyra's forms; required-ness is checked separately.
      ok = false;
      report(problems, path, schema, `${describeValue(value)} ${schema.errorMessage?.pattern ?? `must match ${schema.pattern}`}`);
    }
  }
  if (Array.isArray(value) && schema.uniqueItems) {
    const repeated = firstRepeatedItem(value);
    if (repeated !== NOT_REPEATED) {
      ok = false;
      report(problems, path, schema, `must not list ${describeValue(repeated)} twice`);
    }
  }
  if (schema.required && isPlainObject(value)) {
    for (const key of schema.required) {
      const present = value[key];
      if (present === undefined || present === null || present === '') {
        ok = false;
        const title = schema.properties?.[key]?.title ?? key;
        problems?.push({ path: [...path!, key], title, message: 'is required' });
      }
    }
  }
  return ok;
}

const NOT_REPEATED = Symbol('not repeated');

/** The first item equal (as JSON) to an earlier one; short lists of strings without a Set or JSON text. */
function firstRepeatedItem(items: unknown[]): unknown {
  if (items.length < 2) {
    return NOT_REPEATED;
  }
  if (items.length <= 16 && items.every(item => typeof item === 'string')) {
    for (let later = 1; later < items.length; later++) {
      for (let earlier = 0; earlier < later; earlier++) {
        if (items[earlier] === items[later]) {
          return items[later];
        }
      }
    }
    return NOT_REPEATED;
  }
  const seen = new Set<string>();
  for (const item of items) {
    const key = JSON.stringify(item);
    if (seen.has(key)) {
      return item;
    }
    seen.add(key);
  }
  return NOT_REPEATED;
}

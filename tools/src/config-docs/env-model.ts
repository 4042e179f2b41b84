import { z } from 'zod';

/**
 * What the generator reads from an env schema's field: its `.describe()` / `.meta({ description })`, plus the
 * optional keys below. `values` is set by the runtime's helpers (duration, flag, list); `defaultText` and `example`
 * by a schema whose default is computed at start-up or whose unset value deserves an example in `.env.example`.
 */
export interface EnvFieldMeta {
  description?: string;
  values?: string;
  defaultText?: string;
  example?: string;
}

export interface EnvVariable {
  name: string;
  /** Undefined when the schema gives none: the generator refuses to run then. */
  description?: string;
  /** Markdown: the default as shown in the table (`unset`, `empty`, or the value in backticks). */
  defaultText: string;
  /** The raw default for `.env.example`; undefined when unset. */
  defaultValue?: string;
  /** Markdown: accepted values or range; empty when the type says nothing useful. */
  values: string;
  example?: string;
  /** The field's schema object: the same object in two schemas means one shared definition. */
  schema: z.ZodType;
}

export type EnvShape = Record<string, z.ZodType>;

/** A schema's fields: a `z.object(...)` (refined or not) or a plain shape such as `mutualTlsEnvShape`. */
export function shapeOf(source: unknown): EnvShape {
  if (source instanceof z.ZodObject) return source.shape as EnvShape;
  if (source && typeof source === 'object' && Object.values(source).every((value) => value instanceof z.ZodType)) {
    return source as EnvShape;
  }
  throw new Error('not a zod object schema or shape');
}

function metaOf(schema: z.ZodType): EnvFieldMeta {
  return (z.globalRegistry.get(schema) ?? {}) as EnvFieldMeta;
}

/** The schema that holds the default: pipes are read from their input side, wrappers from inside. */
function unwrapInput(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
  return current;
}

function defaultOf(schema: z.ZodType): { present: boolean; value?: unknown } {
  const input = unwrapInput(schema);
  if (input instanceof z.ZodDefault) return { present: true, value: input.def.defaultValue };
  return { present: false };
}

/** The innermost value type (below defaults, optionals and pipes), for the values column. */
function coreOf(schema: z.ZodType): z.ZodType {
  let current = unwrapInput(schema);
  for (let depth = 0; depth < 20; depth++) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = unwrapInput(current);
    else return current;
  }
  return current;
}

function valuesOf(schema: z.ZodType, meta: EnvFieldMeta): string {
  if (meta.values) return meta.values;
  const core = coreOf(schema);
  if (core instanceof z.ZodEnum) return core.options.map((option) => `\`${String(option)}\``).join(', ');
  if (core instanceof z.ZodNumber) {
    const { minValue, maxValue } = core;
    if (minValue !== null && maxValue !== null && Number.isFinite(minValue) && Number.isFinite(maxValue)) {
      return `${minValue} – ${maxValue}`;
    }
    return 'a number';
  }
  if (core instanceof z.ZodURL) return 'a URL';
  return '';
}

export function describeShape(shape: EnvShape): EnvVariable[] {
  return Object.entries(shape).map(([name, schema]) => {
    const meta = metaOf(schema);
    const fallback = defaultOf(schema);
    const defaultValue = fallback.present ? String(fallback.value) : undefined;
    const shown = defaultValue === undefined ? 'unset' : defaultValue === '' ? 'empty' : `\`${defaultValue}\``;
    return {
      name,
      description: meta.description?.trim() || undefined,
      defaultText: meta.defaultText ?? shown,
      ...(defaultValue !== undefined && { defaultValue }),
      values: valuesOf(schema, meta),
      ...(meta.example !== undefined && { example: meta.example }),
      schema,
    };
  });
}

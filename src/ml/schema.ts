/**
 * One description per setting (name, type, range, default) drives the controls, validation and
 * clamping, and URL sharing. Enum values are looked up in a Map, so "__proto__" or "constructor"
 * can never pass for an option.
 */
export interface NumberParam {
  kind: 'number';
  label: string;
  min: number;
  max: number;
  default: number;
  step?: number;
  integer?: boolean;
  log?: boolean;
  help?: string;
}

/** `K` is the union of the option keys, so a checked value is typed as one of them. */
export interface EnumParam<K extends string = string> {
  kind: 'enum';
  label: string;
  options: ReadonlyMap<K, string>;
  default: K;
  help?: string;
}

export interface BooleanParam {
  kind: 'boolean';
  label: string;
  default: boolean;
  help?: string;
}

/** Free text up to a length (a model's architecture in a link); what it means is checked by its reader. */
export interface TextParam {
  kind: 'text';
  label: string;
  maxLength: number;
  default: string;
  help?: string;
}

export type Param = NumberParam | EnumParam | BooleanParam | TextParam;

export type Schema = Record<string, Param>;

/** The value a parameter holds: a number, one of an enum's keys, a boolean, or a text. */
export type ParamValue<P extends Param> = P extends { kind: 'enum'; options: ReadonlyMap<infer K, string> }
  ? K
  : P extends { kind: 'number' }
    ? number
    : P extends { kind: 'text' }
      ? string
      : boolean;

export type Values<S extends Schema> = { [K in keyof S]: ParamValue<S[K]> };

/** The keys of an options Map, as a union type: names declared once, in the Map. */
export type OptionKey<M extends ReadonlyMap<string, unknown>> = M extends ReadonlyMap<infer K, unknown> ? K : never;

export interface Checked<T> {
  value: T;
  /** Set when the input was rejected or changed; says why in the learner's words. */
  message?: string;
}

/** An enum's options for a message: all of a short list, the first few of a long one (the error analysis's 101 cells). */
function optionList(param: EnumParam): string {
  const labels = [...param.options.values()];
  return labels.length <= 8 ? labels.join(', ') : `${labels.slice(0, 5).join(', ')}, … (${labels.length} in all)`;
}

/** Validates one raw input (a typed string, a URL parameter or a stored value) against its description. */
export function checkParam<P extends Param>(param: P, raw: unknown): Checked<ParamValue<P>>;
export function checkParam(param: Param, raw: unknown): Checked<number | string | boolean> {
  switch (param.kind) {
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(n)) {
        return { value: param.default, message: `${param.label} must be a number from ${param.min} to ${param.max}; "${String(raw)}" is not one, so it was set back to ${param.default}.` };
      }
      let v = param.integer ? Math.round(n) : n;
      let message: string | undefined;
      if (v < param.min || v > param.max) {
        const clamped = Math.min(param.max, Math.max(param.min, v));
        message = `${param.label} must be from ${param.min} to ${param.max}; ${n} was changed to ${clamped}.`;
        v = clamped;
      } else if (v !== n) {
        message = `${param.label} must be a whole number; ${n} was rounded to ${v}.`;
      }
      return { value: v, message };
    }
    case 'enum': {
      const key = typeof raw === 'string' ? raw : '';
      if (param.options.has(key)) return { value: key };
      return { value: param.default, message: `${param.label}: "${String(raw)}" is not one of ${optionList(param)}; using ${param.options.get(param.default)}.` };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === '1') return { value: true };
      if (raw === 'false' || raw === '0') return { value: false };
      return { value: param.default, message: `${param.label} must be on or off.` };
    }
    case 'text': {
      if (typeof raw !== 'string') return { value: param.default, message: `${param.label} must be text.` };
      if (raw.length > param.maxLength) return { value: param.default, message: `${param.label} is ${raw.length.toLocaleString('en')} characters long; at most ${param.maxLength.toLocaleString('en')} can be used.` };
      return { value: raw };
    }
  }
}

export function defaults<S extends Schema>(schema: S): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [key, param] of Object.entries(schema)) out[key] = param.default;
  return out as Values<S>;
}

/** Checks a partial set of values; unknown keys are reported and dropped. */
export function checkValues<S extends Schema>(schema: S, raw: Record<string, unknown>): { values: Partial<Values<S>>; messages: string[] } {
  const values: Record<string, unknown> = {};
  const messages: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const param = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (!param) {
      messages.push(`Unknown setting "${key}" was ignored.`);
      continue;
    }
    const checked = checkParam(param, value);
    values[key] = checked.value;
    if (checked.message) messages.push(checked.message);
  }
  return { values: values as Partial<Values<S>>, messages };
}

/** A complete, checked set of values: the defaults, overridden by whatever `raw` holds that is valid. */
export function checkAll<S extends Schema>(schema: S, raw: Record<string, unknown>): { values: Values<S>; messages: string[] } {
  const { values, messages } = checkValues(schema, raw);
  return { values: { ...defaults(schema), ...values }, messages };
}

/** Settings → URL query (only what differs from the defaults), so a learner can share exactly what they tried. */
export function toQuery<S extends Schema>(schema: S, values: Values<S>, base?: Values<S>): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(schema)) {
    // Only what differs from where the reader starts: the lesson's settings, else the defaults.
    const start = base ? base[key] : schema[key].default;
    if (values[key] !== start) params.set(key, String(values[key]));
  }
  return params.toString();
}

/** The part of a schema a widget offers (e.g. four of the training settings), in the order given. */
export function pickParams<S extends Schema, K extends keyof S & string>(schema: S, keys: readonly K[]): Pick<S, K> {
  return Object.fromEntries(keys.map((key) => [key, schema[key]])) as Pick<S, K>;
}

/** The values of `schema`'s keys among `values` (a widget's shown settings → what its link carries). */
export function valuesOf<S extends Schema>(schema: S, values: Readonly<Record<string, unknown>>): Values<S> {
  return Object.fromEntries(Object.keys(schema).map((key) => [key, values[key]])) as Values<S>;
}

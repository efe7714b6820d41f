/**
 * Validation of what users hand in (configs, parameter cells). Every failure is a
 * ConfigError whose message names the field, the value and the rule, e.g.
 * `radius must be > 0, got -1`.
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }

  /** How a notebook shows it (tslab prints errors with util.inspect): the message alone, no stack into compiled paths. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? `[${v.join(", ")}]` : String(v));

/** A plain object with no keys outside `allowed` (a typo is an error, not a silent default). */
export function checkObject(value: unknown, field: string, allowed: string[]): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${field} must be an object, got ${show(value)}`);
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) throw new ConfigError(`${field} has unknown field "${k}" (allowed: ${allowed.join(", ")})`);
  }
  return value as Record<string, unknown>;
}

export function checkInteger(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new ConfigError(`${field} must be an integer, got ${show(value)}`);
  if (value < min) throw new ConfigError(`${field} must be >= ${min}, got ${value}`);
  if (value > max) throw new ConfigError(`${field} must be <= ${max}, got ${value}`);
  return value;
}

export function checkNumber(value: unknown, field: string, rule: { gt?: number; ge?: number; lt?: number }): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ConfigError(`${field} must be a finite number, got ${show(value)}`);
  if (rule.gt !== undefined && !(value > rule.gt)) throw new ConfigError(`${field} must be > ${rule.gt}, got ${value}`);
  if (rule.ge !== undefined && !(value >= rule.ge)) throw new ConfigError(`${field} must be >= ${rule.ge}, got ${value}`);
  if (rule.lt !== undefined && !(value < rule.lt)) throw new ConfigError(`${field} must be < ${rule.lt}, got ${value}`);
  return value;
}

export function checkIntegerArray(value: unknown, field: string, min: number): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`${field} must be a non-empty array of integers, got ${show(value)}`);
  value.forEach((v, i) => checkInteger(v, `${field}[${i}]`, min));
  return value.slice();
}

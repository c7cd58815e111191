/** Small helpers for reading untrusted FHIR JSON (never String() what the sender chose). */
export type Json = Record<string, unknown>;
export type Fail = (field: string, message: string) => void;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string or number as text; anything else (whose toString the sender controls) as ''. */
export const scalarText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
/** A non-empty string, else undefined. */
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

// The shape of a PBX configuration object as MiRTA stores it: one table, `<prefix>_id` key,
// `<prefix>_te_id` tenant column, string/number columns. One declaration per object drives the
// migration, the write validation, MANAGEDB and openapi.php, so no object's rules are written twice.

/** How a column is stored and validated. */
export type ColumnKind =
  | 'text' // varchar(max), '' by default; numbers sent by PHP clients are kept as their decimal text
  | 'int' // whole number or null
  | 'decimal' // a decimal number kept as text ('0.0500'), '' when unset
  | 'flag' // MiRTA's on/off: 'on' or '' (also accepts yes/no, 1/0, true/false)
  | 'yesno' // MiRTA's yes/no columns: 'yes' or 'no'/''
  | 'datetime'; // 'YYYY-MM-DD HH:MM:SS' or null

export interface ColumnSpec {
  readonly kind: ColumnKind;
  /** Longest text accepted (text/decimal); writes over it are refused, never truncated. */
  readonly max: number;
  /** Must be present on create. */
  readonly required?: boolean;
  /** Accepted on writes, never shown in rows (secrets). */
  readonly writeOnly?: boolean;
  /** Set by the server (creation dates, counters); a write naming it is refused. */
  readonly readOnly?: boolean;
  /** Allowed values (checked case-sensitively after trimming nothing: MiRTA's enums are upper case). */
  readonly values?: readonly string[];
  /** The object whose id this column holds; checked to exist in the same tenant (or be global). */
  readonly refersTo?: string;
  /** With refersTo: the row belongs to the object it names and is deleted with it, instead of blocking its delete. */
  readonly cascade?: boolean;
  /** Default on create when the column is not sent. */
  readonly fallback?: string | number | null;
  /** Text must match this (e.g. extension numbers). */
  readonly pattern?: { readonly regex: RegExp; readonly describe: string };
}

/**
 * A reference whose target kind is named by another column of the row (MiRTA's destinations: de_type_dst
 * 'EXT' + de_type_id_dst 17 names extension 17). `objectOf` maps a type value to an object name.
 */
export interface TaggedReference {
  readonly typeColumn: string;
  readonly idColumn: string;
  objectOf(type: string): string | undefined;
  /** 'restrict': the named object cannot be deleted while a row names it; 'cascade': the row goes with it. */
  readonly onDelete: 'restrict' | 'cascade';
}

/**
 * A column the store computes from another on every write and never shows in rows (a normalised form a
 * unique index can hold). It is not in `columns`: clients cannot write it, and its own migration adds it.
 */
export interface DerivedColumn {
  /** The column it is computed from. */
  readonly from: string;
  /** The value to store; '' is stored as null (nothing to hold, which a unique index lets repeat). */
  derive(value: string): string;
}

export interface ObjectSchema {
  /** The MANAGEDB object name (lower case, singular). */
  readonly name: string;
  /** What a message calls one of them ("extension", "DID"). */
  readonly title: string;
  readonly table: string;
  readonly idColumn: string;
  /** The tenant column; null for global objects (admin key only). */
  readonly tenantColumn: string | null;
  /** The column that names a row in messages (ex_number, di_number, ...). */
  readonly labelColumn: string;
  /** Every stored column but the id and tenant, in MiRTA's order. */
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  /** Short names accepted on writes (OpenAPI aliases, proxy realtime fields): alias -> column. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Column sets unique within a tenant (or globally for global objects). */
  readonly uniqueInTenant?: ReadonlyArray<readonly string[]>;
  /** Column sets unique across every tenant. */
  readonly uniqueGlobally?: ReadonlyArray<readonly string[]>;
  /** Hidden columns the store keeps in step with another column, by name. */
  readonly derived?: Readonly<Record<string, DerivedColumn>>;
  /** References whose target object depends on a type column (checked on delete of the target). */
  readonly taggedReferences?: readonly TaggedReference[];
  /** How messages name a row when its label column alone says too little. */
  describe?(row: ObjectRow): string;
}

type Options = Omit<ColumnSpec, 'kind' | 'max'>;

/** Column constructors, so a schema reads like the table it describes. */
export const col = {
  text: (max = 255, options: Options = {}): ColumnSpec => ({ kind: 'text', max, ...options }),
  int: (options: Options = {}): ColumnSpec => ({ kind: 'int', max: 11, ...options }),
  ref: (object: string, options: Options = {}): ColumnSpec => ({ kind: 'int', max: 11, refersTo: object, ...options }),
  decimal: (options: Options = {}): ColumnSpec => ({ kind: 'decimal', max: 32, ...options }),
  flag: (options: Options = {}): ColumnSpec => ({ kind: 'flag', max: 8, ...options }),
  yesno: (options: Options = {}): ColumnSpec => ({ kind: 'yesno', max: 8, ...options }),
  datetime: (options: Options = {}): ColumnSpec => ({ kind: 'datetime', max: 19, ...options }),
  oneOf: (values: readonly string[], fallback: string, options: Options = {}): ColumnSpec => ({
    kind: 'text',
    max: Math.max(...values.map((v) => v.length), 8),
    values,
    fallback,
    ...options,
  }),
};

/** Many text columns at once, for the long tails of MiRTA's tables. */
export function texts(names: readonly string[], max = 255): Record<string, ColumnSpec> {
  return Object.fromEntries(names.map((name) => [name, col.text(max)]));
}

/** A stored row: every column by name. Values are strings, numbers or null. */
export type ObjectRow = Record<string, string | number | null>;

/** The columns a row shows (all but write-only ones), with the id and tenant first. */
export function visibleColumns(schema: ObjectSchema): string[] {
  const head = [schema.idColumn, ...(schema.tenantColumn ? [schema.tenantColumn] : [])];
  return [...head, ...Object.entries(schema.columns).filter(([, spec]) => !spec.writeOnly).map(([name]) => name)];
}

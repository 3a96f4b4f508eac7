// SPDX-License-Identifier: Apache-2.0
/**
 * A deliberately small schema builder. Its node kinds map one-to-one onto the shapes a
 * *structural* OpenAPI v3 schema allows (see `to-openapi.ts`): every node gets a type, an
 * object either lists its properties or is a map (never both), and the only open node is an
 * object that preserves unknown fields. Anything the builder cannot say (`$ref`, `anyOf`,
 * `additionalProperties: false`, ...) therefore cannot end up in a CRD.
 *
 * Mistakes that would otherwise surface only when the apiserver rejects the CRD (a default
 * outside its enum or range, a required name that is not a property) throw at module load.
 */

interface Documented {
  readonly description?: string;
}

export interface StringNode extends Documented {
  readonly kind: 'string';
  readonly enum?: readonly string[];
  readonly default?: string;
  readonly format?: string;
}

export interface IntegerNode extends Documented {
  readonly kind: 'integer';
  readonly format?: 'int32' | 'int64';
  readonly enum?: readonly number[];
  readonly default?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface BooleanNode extends Documented {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

export interface ArrayNode extends Documented {
  readonly kind: 'array';
  readonly items: SchemaNode;
  readonly listType?: 'atomic' | 'set';
}

/** A TypeScript type that exists elsewhere and is used instead of generating an interface. */
export interface ExternalType {
  readonly module: string;
  readonly name: string;
}

export interface ObjectNode extends Documented {
  readonly kind: 'object';
  readonly properties: Readonly<Record<string, SchemaNode>>;
  readonly required: readonly string[];
  /** Name of the generated TypeScript interface; derived from the parent when absent. */
  readonly typeName?: string;
  readonly external?: ExternalType;
  readonly mapType?: 'atomic';
}

/** An object with arbitrary keys and uniformly typed values (`additionalProperties`). */
export interface MapNode extends Documented {
  readonly kind: 'map';
  readonly values: SchemaNode;
}

/** An object whose content the apiserver keeps without checking it. */
export interface OpenObjectNode extends Documented {
  readonly kind: 'open';
  readonly typeName?: string;
}

export type SchemaNode =
  | StringNode
  | IntegerNode
  | BooleanNode
  | ArrayNode
  | ObjectNode
  | MapNode
  | OpenObjectNode;

export interface StrOptions {
  description?: string;
  default?: string;
  format?: string;
}

export function str(options: StrOptions = {}): StringNode {
  return { kind: 'string', ...options };
}

export interface EnumOptions<V extends string> {
  description?: string;
  default?: NoInfer<V>;
}

export function enumOf<const V extends string>(
  values: readonly V[],
  options: EnumOptions<V> = {},
): StringNode {
  if (values.length === 0) throw new Error('enumOf: at least one value is needed');
  if (new Set(values).size !== values.length) throw new Error(`enumOf: duplicate values in ${values.join(',')}`);
  if (options.default !== undefined && !values.includes(options.default)) {
    throw new Error(`enumOf: default ${options.default} is not one of ${values.join(',')}`);
  }
  return { kind: 'string', ...options, enum: [...values] };
}

export interface IntOptions {
  description?: string;
  format?: 'int32' | 'int64';
  min?: number;
  max?: number;
  enum?: readonly number[];
  default?: number;
}

export function int(options: IntOptions = {}): IntegerNode {
  checkIntOptions(options);
  const { min, max, enum: values, default: dflt, ...rest } = options;
  return { kind: 'integer', ...rest, enum: values && [...values], default: dflt, minimum: min, maximum: max };
}

function checkIntOptions({ min, max, enum: values, default: dflt }: IntOptions): void {
  if (min !== undefined && max !== undefined && min > max) throw new Error(`int: min ${min} > max ${max}`);
  const notInteger = [min, max, dflt, ...(values ?? [])].find((n) => n !== undefined && !Number.isSafeInteger(n));
  if (notInteger !== undefined) throw new Error(`int: ${notInteger} is not an integer`);
  if (dflt !== undefined && !(withinRange(dflt, min, max) && (values ?? [dflt]).includes(dflt))) {
    throw new Error(`int: default ${dflt} breaks its own constraints`);
  }
}

function withinRange(n: number, min = -Infinity, max = Infinity): boolean {
  return n >= min && n <= max;
}

export function bool(options: { description?: string; default?: boolean } = {}): BooleanNode {
  return { kind: 'boolean', ...options };
}

export function arr(items: SchemaNode, options: { description?: string; listType?: 'atomic' | 'set' } = {}): ArrayNode {
  return { kind: 'array', items, ...options };
}

export interface ObjOptions<K extends string> {
  description?: string;
  required?: readonly K[];
  typeName?: string;
  external?: ExternalType;
  mapType?: 'atomic';
}

/** `required` is typed against the property names, so a typo is a compile error. */
export function obj<P extends Record<string, SchemaNode>>(
  properties: P,
  options: ObjOptions<keyof P & string> = {},
): ObjectNode {
  const { required = [], ...rest } = options;
  for (const name of required) {
    if (!Object.hasOwn(properties, name)) throw new Error(`obj: required field ${name} is not a property`);
  }
  if (new Set(required).size !== required.length) throw new Error(`obj: duplicate required names ${required.join(',')}`);
  return { kind: 'object', ...rest, properties, required: [...required] };
}

export function map(values: SchemaNode, options: { description?: string } = {}): MapNode {
  return { kind: 'map', values, ...options };
}

export function openObj(options: { description?: string; typeName?: string } = {}): OpenObjectNode {
  return { kind: 'open', ...options };
}

/** The same node with another description, for a shared shape used in several places. */
export function documented<N extends SchemaNode>(node: N, description: string): N {
  return { ...node, description };
}

/**
 * Kubernetes' `metav1.LabelSelector`, spelled out because CRD schemas cannot reference
 * built-in types. The TypeScript side reuses `@kubernetes/client-node`'s type, whose JSON
 * field names are the same.
 */
export function labelSelector(description: string): ObjectNode {
  const requirement = obj(
    {
      key: str({ description: 'The label key the requirement applies to.' }),
      operator: str({ description: 'How the key relates to the values: In, NotIn, Exists or DoesNotExist.' }),
      values: arr(str(), {
        description: 'Values to compare with; non-empty for In and NotIn, empty for Exists and DoesNotExist.',
        listType: 'atomic',
      }),
    },
    { required: ['key', 'operator'], typeName: 'LabelSelectorRequirement' },
  );
  return obj(
    {
      matchLabels: map(str(), {
        description: 'Exact key/value pairs; each pair is an `In` requirement with a single value.',
      }),
      matchExpressions: arr(requirement, {
        description: 'Requirements that must all hold (logical AND).',
        listType: 'atomic',
      }),
    },
    {
      description,
      mapType: 'atomic',
      external: { module: '@kubernetes/client-node', name: 'V1LabelSelector' },
    },
  );
}

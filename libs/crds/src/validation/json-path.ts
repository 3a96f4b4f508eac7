// SPDX-License-Identifier: Apache-2.0
import type { OpenApiSchema } from '../schema/to-openapi.ts';

type Step = { field: string } | { index: number };

/**
 * Parses the simple JSONPath subset printer columns use: `.field`, `[0]` and `['key']` (with
 * backslash escapes, as in `['ipam\.spidernet\.io/app\-namespace']`).
 */
export function parseJsonPath(jsonPath: string): Step[] {
  const steps: Step[] = [];
  const pattern = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/y;
  let pos = 0;
  while (pos < jsonPath.length) {
    pattern.lastIndex = pos;
    const m = pattern.exec(jsonPath);
    if (!m) throw new Error(`unsupported JSONPath ${jsonPath} at offset ${pos}`);
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ field: m[3]!.replace(/\\(.)/g, '$1') });
    pos = pattern.lastIndex;
  }
  return steps;
}

/**
 * The schema node a JSONPath points at, or `undefined` when the schema has no such field. Below
 * a node that preserves unknown fields every path exists, so that node is returned.
 */
export function schemaAtJsonPath(root: OpenApiSchema, jsonPath: string): OpenApiSchema | undefined {
  let node: OpenApiSchema | undefined = root;
  for (const step of parseJsonPath(jsonPath)) {
    if (!node) return undefined;
    if (node['x-kubernetes-preserve-unknown-fields']) return node;
    if ('index' in step) {
      node = node.type === 'array' ? node.items : undefined;
    } else {
      const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
      node = node.properties?.[step.field] ?? extra;
    }
  }
  return node;
}

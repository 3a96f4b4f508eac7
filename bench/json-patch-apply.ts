// SPDX-License-Identifier: Apache-2.0
// Applies an RFC 6902 patch (add / remove / replace) the way the API server does before it calls
// the validating webhooks: the benchmark validates what the mutating webhook produced.

type Node = Record<string, unknown> | unknown[];

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

export function applyJsonPatch<T>(document: T, ops: PatchOperation[]): T {
  let root: unknown = structuredClone(document);
  for (const op of ops) {
    if (op.path === '') {
      root = structuredClone(op.value);
      continue;
    }
    const tokens = op.path.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop() as string;
    const parent = tokens.reduce<unknown>((node, t) => (node as Record<string, unknown>)[t], root) as Node;
    applyAt(parent, last, op);
  }
  return root as T;
}

function applyAt(parent: Node, token: string, op: PatchOperation): void {
  if (Array.isArray(parent)) {
    const i = token === '-' ? parent.length : Number(token);
    if (op.op === 'add') parent.splice(i, 0, op.value);
    else if (op.op === 'remove') parent.splice(i, 1);
    else parent[i] = op.value;
    return;
  }
  if (op.op === 'remove') delete parent[token];
  else Object.defineProperty(parent, token, { value: op.value, enumerable: true, writable: true, configurable: true });
}

// SPDX-License-Identifier: Apache-2.0
import type { ObjectNode, OpenObjectNode, SchemaNode } from '../schema/builder.ts';
import { rootNode, type CrdDefinition } from '../schema/crd-definition.ts';
import { commentLines } from './header.ts';

const MAX_LINE = 100;

interface Declaration {
  /** The members (or alias target) only: two nodes with the same name must agree on it. */
  body: string;
  text: string;
}

/**
 * Renders TypeScript types for every kind from the same definitions the CRDs come from, so the
 * two cannot disagree: a property is optional exactly when the schema does not require it.
 */
export function renderTypes(defs: readonly CrdDefinition[]): string {
  const registry = new TypeRegistry();
  for (const def of defs) registry.addKind(def);
  const imports = [...registry.imports].sort().join(', ');
  return (
    '// SPDX-License-Identifier: Apache-2.0\n' +
    commentLines('//') +
    `import type { ${imports} } from '@kubernetes/client-node';\n` +
    registry.render()
  );
}

class TypeRegistry {
  readonly imports = new Set<string>(['V1ListMeta']);
  private readonly declarations = new Map<string, Declaration | null>();

  addKind(def: CrdDefinition): void {
    const root = rootNode(def);
    const apiVersion = `${def.group}/${def.version}`;
    this.declareInterface(def.kind, root, { apiVersion: quote(apiVersion), kind: quote(def.kind) });
    for (const field of ['spec', 'status'] as const) {
      const node = def[field];
      const wanted = `${def.kind}${pascal(field)}`;
      if (node?.typeName && node.typeName !== wanted) this.addDeclaration(wanted, `export type ${wanted} = ${node.typeName};`, node.typeName);
    }
    const list = `${def.kind}List`;
    const members = [
      `  apiVersion?: ${quote(apiVersion)};`,
      `  kind?: ${quote(list)};`,
      '  metadata?: V1ListMeta;',
      `  items: ${def.kind}[];`,
    ].join('\n');
    this.addDeclaration(list, `/** A page of ${def.kind} objects. */\nexport interface ${list} {\n${members}\n}`, members);
  }

  render(): string {
    return [...this.declarations.values()].map((d) => `\n${d?.text ?? ''}\n`).join('');
  }

  private addDeclaration(name: string, text: string, body: string): void {
    const existing = this.declarations.get(name);
    if (existing && existing.body !== body) throw new Error(`two different types are both named ${name}`);
    if (!existing) this.declarations.set(name, { text, body });
  }

  private declareInterface(name: string, node: ObjectNode, literalTypes: Record<string, string> = {}): void {
    if (this.declarations.has(name)) {
      // Render again only to compare: same name must mean same shape.
      const body = this.members(name, node, literalTypes);
      const existing = this.declarations.get(name);
      if (existing && existing.body !== body) throw new Error(`two different types are both named ${name}`);
      return;
    }
    this.declarations.set(name, null); // reserve the slot so parents come before their children
    const body = this.members(name, node, literalTypes);
    this.declarations.set(name, { body, text: `${jsDoc(node.description, [], '')}export interface ${name} {\n${body}\n}` });
  }

  private members(owner: string, node: ObjectNode, literalTypes: Record<string, string>): string {
    return Object.entries(node.properties)
      .map(([prop, child]) => {
        const type = literalTypes[prop] ?? this.typeOf(child, `${owner}${pascal(prop)}`);
        const optional = node.required.includes(prop) ? '' : '?';
        return `${jsDoc(child.description, constraintNotes(child), '  ')}  ${propertyKey(prop)}${optional}: ${type};`;
      })
      .join('\n');
  }

  private typeOf(node: SchemaNode, suggestedName: string): string {
    switch (node.kind) {
      case 'string':
        return node.enum ? node.enum.map(quote).join(' | ') : 'string';
      case 'integer':
        return node.enum ? node.enum.join(' | ') : 'number';
      case 'boolean':
        return 'boolean';
      case 'array': {
        const item = this.typeOf(node.items, suggestedName);
        return item.includes(' ') ? `Array<${item}>` : `${item}[]`;
      }
      case 'map':
        return `Record<string, ${this.typeOf(node.values, suggestedName)}>`;
      case 'open':
        return this.openType(node);
      case 'object':
        return this.objectType(node, suggestedName);
    }
  }

  private openType(node: OpenObjectNode): string {
    const target = 'Record<string, unknown>';
    if (!node.typeName) return target;
    this.addDeclaration(node.typeName, `${jsDoc(node.description, [], '')}export type ${node.typeName} = ${target};`, target);
    return node.typeName;
  }

  private objectType(node: ObjectNode, suggestedName: string): string {
    if (node.external) {
      this.imports.add(node.external.name);
      return node.external.name;
    }
    const name = node.typeName ?? suggestedName;
    this.declareInterface(name, node);
    return name;
  }
}

/** Constraints the TypeScript type cannot express, so readers still see them. */
function constraintNotes(node: SchemaNode): string[] {
  const notes: string[] = [];
  if (node.kind === 'integer') {
    if (node.minimum !== undefined && node.maximum !== undefined) notes.push(`Range: ${node.minimum} to ${node.maximum}.`);
    else if (node.minimum !== undefined) notes.push(`Minimum: ${node.minimum}.`);
    else if (node.maximum !== undefined) notes.push(`Maximum: ${node.maximum}.`);
  }
  if ('default' in node && node.default !== undefined) notes.push(`@defaultValue \`${JSON.stringify(node.default)}\``);
  return notes;
}

function jsDoc(description: string | undefined, notes: readonly string[], indent: string): string {
  const paragraphs = [description, ...notes].filter((p): p is string => Boolean(p));
  if (paragraphs.length === 0) return '';
  const width = MAX_LINE - indent.length - 3;
  const lines = paragraphs.flatMap((p, i) => [...(i > 0 ? [''] : []), ...wrap(p.replaceAll('*/', '*\\/'), width)]);
  if (lines.length === 1 && lines[0]!.length + 7 <= width) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join('\n')}\n${indent} */\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

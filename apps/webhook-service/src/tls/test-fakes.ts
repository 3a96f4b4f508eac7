// SPDX-License-Identifier: Apache-2.0
// In-memory fakes of the TLS bootstrap's own ports, for unit tests.
import { SpiderpoolError } from '@spiderpool/errors';
import type { TlsMaterial } from './certificate-authority.ts';
import type { FileSource } from './file-source.ts';
import type { StoredMaterial, TlsSecretPort } from './tls-secret.ts';
import type { TlsLogger } from './tls-types.ts';
import type { WebhookConfigPort, WebhookConfiguration, WebhookKind } from './webhook-configurations.ts';

/** One Secret with the API server's compare-and-swap semantics. */
export class MemorySecret implements TlsSecretPort {
  stored: StoredMaterial | undefined;
  writes = 0;
  /** Runs after a read, before the caller can write: lets a test slip in a concurrent writer. */
  afterRead: (() => void) | undefined;
  #version = 0;

  async read(): Promise<StoredMaterial | undefined> {
    await Promise.resolve();
    const stored = this.stored && { material: { ...this.stored.material }, resourceVersion: this.stored.resourceVersion };
    const hook = this.afterRead;
    this.afterRead = undefined;
    hook?.();
    return stored;
  }

  async create(material: TlsMaterial): Promise<StoredMaterial> {
    await Promise.resolve();
    if (this.stored) throw new SpiderpoolError('ALREADY_EXISTS', 'secret');
    return this.put(material);
  }

  async update(material: TlsMaterial, resourceVersion: string): Promise<StoredMaterial> {
    await Promise.resolve();
    if (this.stored?.resourceVersion !== resourceVersion) throw new SpiderpoolError('CONFLICT', 'secret');
    return this.put(material);
  }

  /** Writes unconditionally, as another replica or an operator would. */
  put(material: Partial<TlsMaterial>): StoredMaterial {
    this.#version += 1;
    this.writes += 1;
    this.stored = { material: { ...material }, resourceVersion: String(this.#version) };
    return { material: { ...material }, resourceVersion: this.stored.resourceVersion };
  }
}

/** Webhook configurations by kind and name, with resourceVersion conflicts. */
export class MemoryWebhookConfigs implements WebhookConfigPort {
  readonly objects = new Map<string, WebhookConfiguration>();
  updates = 0;
  conflictsToInject = 0;
  #version = 0;

  add(kind: WebhookKind, name: string, webhookNames: string[], extra: Record<string, unknown> = {}): void {
    this.#version += 1;
    this.objects.set(`${kind}/${name}`, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: kind === 'mutating' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration',
      metadata: { name, resourceVersion: String(this.#version), labels: { keep: 'me' } },
      webhooks: webhookNames.map((n) => ({ name: n, clientConfig: { service: { name: 'svc', namespace: 'ns' } }, sideEffects: 'None', ...extra })),
    });
  }

  bundleOf(kind: WebhookKind, name: string, index = 0): string | undefined {
    return this.objects.get(`${kind}/${name}`)?.webhooks?.[index]?.clientConfig?.caBundle;
  }

  async find(kind: WebhookKind, name: string): Promise<WebhookConfiguration | undefined> {
    await Promise.resolve();
    const found = this.objects.get(`${kind}/${name}`);
    return found && structuredClone(found);
  }

  async update(kind: WebhookKind, configuration: WebhookConfiguration): Promise<WebhookConfiguration> {
    await Promise.resolve();
    const key = `${kind}/${configuration.metadata?.name}`;
    const current = this.objects.get(key);
    if (!current) throw new SpiderpoolError('NOT_FOUND', key);
    if (this.conflictsToInject > 0 || current.metadata?.resourceVersion !== configuration.metadata?.resourceVersion) {
      this.conflictsToInject = Math.max(0, this.conflictsToInject - 1);
      // A concurrent writer bumped the version.
      this.#version += 1;
      current.metadata = { ...current.metadata, resourceVersion: String(this.#version) };
      throw new SpiderpoolError('CONFLICT', key);
    }
    this.#version += 1;
    this.updates += 1;
    const stored = structuredClone({ ...configuration, metadata: { ...configuration.metadata, resourceVersion: String(this.#version) } });
    this.objects.set(key, stored);
    return structuredClone(stored);
  }
}

/** Files in memory; `change` writes without a change event unless asked, to exercise polling. */
export class MemoryFiles implements FileSource {
  readonly #content = new Map<string, { text: string; version: number }>();
  readonly #watchers = new Set<() => void>();

  set(path: string, text: string, options: { notify?: boolean } = {}): void {
    const version = (this.#content.get(path)?.version ?? 0) + 1;
    this.#content.set(path, { text, version });
    if (options.notify) this.#watchers.forEach((w) => w());
  }

  get watching(): number {
    return this.#watchers.size;
  }

  async read(path: string): Promise<string> {
    await Promise.resolve();
    const file = this.#content.get(path);
    if (!file) throw new SpiderpoolError('NOT_FOUND', path);
    return file.text;
  }

  async version(path: string): Promise<string> {
    await Promise.resolve();
    const file = this.#content.get(path);
    if (!file) throw new SpiderpoolError('NOT_FOUND', path);
    return String(file.version);
  }

  watch(_paths: readonly string[], onChange: () => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: object;
  message: string;
}

export function recordingLogger(): TlsLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
}

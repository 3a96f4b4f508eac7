// SPDX-License-Identifier: Apache-2.0
import { Reflector, Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import type { TlsMaterial } from './certificate-authority.ts';

export interface StoredMaterial {
  /** Whatever the Secret holds; any key may be missing or malformed. */
  material: Partial<TlsMaterial>;
  resourceVersion: string;
}

/**
 * The Secret that all replicas share their CA and serving certificate through. A lost create
 * race answers ALREADY_EXISTS, a lost update race CONFLICT (SpiderpoolError codes).
 */
export interface TlsSecretPort {
  read(): Promise<StoredMaterial | undefined>;
  create(material: TlsMaterial): Promise<StoredMaterial>;
  update(material: TlsMaterial, resourceVersion: string): Promise<StoredMaterial>;
}

interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** The data keys, as cert-manager and `kubectl create secret tls` name them. */
const KEYS = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key' } as const satisfies Record<keyof TlsMaterial, string>;

export function kubeTlsSecret(client: KubeClient, namespace: string, name: string): TlsSecretPort {
  // The last object seen: an update starts from it so that labels, annotations, the type and
  // data keys other than ours survive the PUT.
  let last: SecretObject | undefined;
  const remember = (secret: SecretObject): StoredMaterial => {
    last = secret;
    return { material: materialOf(secret), resourceVersion: secret.metadata?.resourceVersion ?? '' };
  };
  return {
    async read() {
      const secret = await client.find<SecretObject>(Resources.secrets, name, namespace);
      return secret ? remember(secret) : undefined;
    },
    async create(material) {
      const body: SecretObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'spiderpool-webhook-service' } },
        type: 'kubernetes.io/tls',
        data: dataOf(material),
      };
      return remember(await client.create(Resources.secrets, body));
    },
    async update(material, resourceVersion) {
      const base = last?.metadata?.resourceVersion === resourceVersion ? last : undefined;
      const body: SecretObject = {
        ...base,
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { ...base?.metadata, name, namespace, resourceVersion },
        data: { ...base?.data, ...dataOf(material) },
      };
      return remember(await client.update(Resources.secrets, body));
    },
  };
}

/**
 * Watches the one Secret and calls `onChange` on every change, so that a renewal by another
 * replica is picked up at once instead of at the next periodic check. Only metadata is cached.
 */
export function watchTlsSecret(
  client: KubeClient,
  secret: { namespace: string; name: string },
  handlers: { onChange: () => void; onError: (err: unknown) => void },
): { stop(): void } {
  const { namespace, name } = secret;
  const reflector = new Reflector<SecretObject>(client, Resources.secrets, {
    namespace,
    fieldSelector: `metadata.name=${name}`,
    transform: (secret) => ({ metadata: secret.metadata }),
    onEvent: () => handlers.onChange(),
    onError: handlers.onError,
    retryDelayMs: 10_000,
  });
  void reflector.start();
  return { stop: () => reflector.stop() };
}

function dataOf(material: TlsMaterial): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [field, key] of Object.entries(KEYS)) data[key] = Buffer.from(material[field as keyof TlsMaterial], 'utf8').toString('base64');
  return data;
}

function materialOf(secret: SecretObject): Partial<TlsMaterial> {
  const material: Partial<TlsMaterial> = {};
  for (const [field, key] of Object.entries(KEYS)) {
    const value = secret.data?.[key];
    if (value) material[field as keyof TlsMaterial] = Buffer.from(value, 'base64').toString('utf8');
  }
  return material;
}

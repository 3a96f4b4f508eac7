// SPDX-License-Identifier: Apache-2.0
import { envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';

export const NodeAgentConfigSchema = z.object({
  SPIDERPOOL_LOG_LEVEL: envLogLevel,
  /** The node this agent serves (downward API `spec.nodeName`). */
  SPIDERPOOL_NODE_NAME: z.string().min(1, 'must be set to the node name'),
  /** ipam-service gRPC address: `host:port` or `unix:///path`. */
  SPIDERPOOL_IPAM_SERVICE_ADDRESS: z.string().min(1, 'must be set to the ipam-service address'),
  /** Socket the CNI plugins call; upstream's default path. */
  SPIDERPOOL_IPAM_UNIX_SOCKET_PATH: z.string().startsWith('/', 'must be an absolute path').default('/var/run/spidernet/spiderpool.sock'),
  SPIDERPOOL_OPS_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_OPS_PORT: envPort(5710),
  SPIDERPOOL_IPAM_DEADLINE_MS: z.coerce.number().int().positive().default(30_000),
  KUBECONFIG: z.string().optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
});

export type NodeAgentConfig = z.infer<typeof NodeAgentConfigSchema>;

export const loadNodeAgentConfig = (env: NodeJS.ProcessEnv = process.env): NodeAgentConfig =>
  loadConfig(NodeAgentConfigSchema, env);

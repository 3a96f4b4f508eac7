// SPDX-License-Identifier: Apache-2.0
import { envBool, envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';

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
  /** Install the CNI executable (and a CNI config, when given) into the host directories. */
  SPIDERPOOL_CNI_INSTALL: envBool(false),
  /** Where the image ships the CNI executable (`spiderpool`). */
  SPIDERPOOL_CNI_SOURCE_DIR: z.string().startsWith('/', 'must be an absolute path').default('/usr/local/lib/spiderpool/cni'),
  SPIDERPOOL_CNI_BIN_DIR: z.string().startsWith('/', 'must be an absolute path').default('/opt/cni/bin'),
  SPIDERPOOL_CNI_CONF_DIR: z.string().startsWith('/', 'must be an absolute path').default('/etc/cni/net.d'),
  /** A CNI config file to install into SPIDERPOOL_CNI_CONF_DIR (optional). */
  SPIDERPOOL_CNI_CONF_FILE: z.string().startsWith('/', 'must be an absolute path').optional(),
  /**
   * The network namespace that stands for the node (host side of coordinator and ifacer work).
   * Unset in production (node-agent runs with hostNetwork); tests point it at a namespace they made.
   */
  SPIDERPOOL_HOST_NETNS: z.string().startsWith('/', 'must be an absolute path').optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
});

export type NodeAgentConfig = z.infer<typeof NodeAgentConfigSchema>;

export const loadNodeAgentConfig = (env: NodeJS.ProcessEnv = process.env): NodeAgentConfig =>
  loadConfig(NodeAgentConfigSchema, env);

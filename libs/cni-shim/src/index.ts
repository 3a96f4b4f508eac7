// SPDX-License-Identifier: Apache-2.0
export { runShim, type RunShimInput } from './run-shim.ts';
export { readCniRequest, pluginOf, DEFAULT_SOCKET_PATH, DEFAULT_TIMEOUT_MS, SHIM_ENV, type ReadCniRequestInput } from './request.ts';
export { forward, CNI_ENDPOINT_PATH } from './forward.ts';
export { versionOutcome, SUPPORTED_CNI_VERSIONS } from './version.ts';
export { logInvocation, invocationEntry, type InvocationEntry, type InvocationRecord } from './plugin-log.ts';
export { pluginLogConfig, isLogged, LOG_LEVELS, DEFAULT_LOG_DIR, type LogLevel, type PluginLogConfig } from './log-config.ts';
export { appendLogLine, type RotationPolicy } from './log-file.ts';
export {
  CNI_ERROR_CODES,
  DEFAULT_CNI_VERSION,
  CniShimError,
  cniError,
  cniErrorOutcome,
  decodeFailure,
  invalidEnvironment,
  invalidNetworkConfig,
  pluginNotAvailable,
  toCniError,
  tryAgainLater,
  unknownError,
  type CniError,
  type CniErrorCode,
} from './cni-errors.ts';
export {
  CNI_COMMANDS,
  CNI_PLUGINS,
  FORWARDED_CNI_ENV,
  type CniCommand,
  type CniPlugin,
  type CniRequest,
  type ForwardedCniEnvName,
  type ShimEnv,
  type ShimOutcome,
} from './types.ts';

// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@spiderpool/observability';

/** Something with an explicit lifecycle. `stop` must be idempotent. */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunOptions {
  logger: Logger;
  components: Component[];
  /** Called first on shutdown, e.g. to fail readiness before servers close. */
  onShutdown?: () => void;
  shutdownTimeoutMs?: number;
  signals?: NodeJS.Signals[];
}

/**
 * Starts components in order and stops them in reverse order on SIGTERM/SIGINT. A component
 * that fails to start stops the ones already started and exits non-zero; a shutdown that does
 * not finish within the timeout exits non-zero instead of hanging the pod's termination.
 */
export async function runService(options: RunOptions): Promise<void> {
  const { logger, components } = options;
  const started: Component[] = [];
  let stopping: Promise<void> | undefined;

  const stopAll = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      options.onShutdown?.();
      for (const component of [...started].reverse()) {
        try {
          await component.stop();
          logger.info({ component: component.name }, 'stopped');
        } catch (err) {
          logger.error({ err, component: component.name }, 'failed to stop cleanly');
        }
      }
    })();
    return stopping;
  };

  const timeoutMs = options.shutdownTimeoutMs ?? 20_000;
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      void stopAll(signal).then(() => {
        logger.flush();
        process.exitCode = 0;
      });
    });
  }

  for (const component of components) {
    try {
      await component.start();
      started.push(component);
      logger.info({ component: component.name }, 'started');
    } catch (err) {
      logger.fatal({ err, component: component.name }, 'failed to start');
      await stopAll(`start of ${component.name} failed`);
      logger.flush();
      process.exitCode = 1;
      return;
    }
  }
}

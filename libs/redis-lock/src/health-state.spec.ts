// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { HealthState } from './health-state.ts';

function recorded(): { health: HealthState; events: [boolean, string | undefined][] } {
  const events: [boolean, string | undefined][] = [];
  return { health: new HealthState((d, r) => events.push([d, r])), events };
}

describe('HealthState', () => {
  it('is degraded until the first answer, and announces the first determination', () => {
    const { health, events } = recorded();
    expect(health.degraded).toBe(true);
    expect(health.reason).toBe('not connected to redis yet');
    health.markHealthy();
    expect(health.degraded).toBe(false);
    expect(health.reason).toBeUndefined();
    expect(events).toEqual([[false, undefined]]);
  });

  it('announces a failed start as degraded', () => {
    const { health, events } = recorded();
    health.markDegraded('connect ECONNREFUSED');
    expect(events).toEqual([[true, 'connect ECONNREFUSED']]);
  });

  it('announces only flips but keeps the latest reason', () => {
    const { health, events } = recorded();
    health.markHealthy();
    health.markHealthy();
    health.markDegraded('closed');
    health.markDegraded('ECONNREFUSED');
    expect(health.reason).toBe('ECONNREFUSED');
    health.markHealthy();
    expect(events).toEqual([[false, undefined], [true, 'closed'], [false, undefined]]);
  });

  it('neither changes nor announces after freeze()', () => {
    const { health, events } = recorded();
    health.markHealthy();
    health.freeze();
    health.markDegraded('closing');
    expect(health.degraded).toBe(false);
    expect(events).toHaveLength(1);
  });
});

import { effectScope, watch } from 'vue';
import { useIdle } from '@vueuse/core';

// No warning in useIdle: idle only.
export function start({ onIdle, timeout }) {
  const scope = effectScope();
  scope.run(() => {
    const { idle } = useIdle(timeout);
    watch(idle, (value) => value && onIdle(), { flush: 'sync' });
  });
  return () => scope.stop();
}

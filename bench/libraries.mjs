// The libraries compared, each with a minimal usage in bench/entries/ (also what the size row bundles).
export const LIBRARIES = [
  // eventsEntry: what the event-cost benchmark runs (its script-made events are not the user's, see there).
  { name: 'sessionwarden', entry: 'bench/entries/sessionwarden.js', eventsEntry: 'bench/entries/sessionwarden-events.js', warning: true },
  { name: 'react-idle-timer', entry: 'bench/entries/react-idle-timer.js', warning: true },
  { name: 'idle-timeout', entry: 'bench/entries/idle-timeout.js', warning: false },
  { name: 'idle-js', entry: 'bench/entries/idle-js.js', warning: false },
  { name: '@vueuse/core useIdle', entry: 'bench/entries/vueuse.js', warning: false },
  { name: 'sampling design (reference)', entry: 'bench/entries/sampling.js', warning: true },
];
/** Frameworks are the app's: left out of every size. */
export const FRAMEWORKS = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'vue'];

import { build } from 'vite';

/** Builds the demo app for production, as `npm run demo` serves it (vitest's NODE_ENV=test would give React's development build). */
export async function buildDemo(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: 'examples/app/vite.config.ts', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

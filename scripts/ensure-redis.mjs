// The demo server's two-process test needs Redis: `REDIS_URL`, or Debian's redis-server, which the
// test starts on a free loopback port. Installs it with apt-get when missing and allowed (root); else explains.
import { execSync } from 'node:child_process';

const has = (command) => {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
};
if (!process.env.REDIS_URL && !has('redis-server')) {
  if (process.getuid?.() !== 0) {
    console.error('redis-server is missing. Install it (Debian: sudo apt-get install -y redis-server) or set REDIS_URL.');
    process.exit(1);
  }
  console.log('Installing Debian redis-server for the demo server tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server', { stdio: 'inherit' });
}

// Runs on `npm install`: builds the console once its sources exist, so `npm start` serves it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (existsSync('console/index.html') && existsSync('node_modules/vite')) {
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

// Per-call cost of @anthropic-ai/sandbox-runtime's library API (initialize once, wrapWithSandbox + spawn per call),
// next to a plain spawnSync from the same Node process. Usage: node srt-bench.mjs WORKSPACE N
import { SandboxManager } from '@anthropic-ai/sandbox-runtime';
import { spawnSync } from 'node:child_process';

const [ws, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 200);
const commands = { 'true': 'true', 'cat small file': 'cat small.txt', 'grep -r': 'grep -r -c needle src' };
const median = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];

const t0 = performance.now();
await SandboxManager.initialize({
  network: { allowedDomains: [], deniedDomains: [] },
  filesystem: { denyRead: [], allowWrite: [ws], denyWrite: [] },
});
console.log(`srt initialize\t${(performance.now() - t0).toFixed(2)}`);

for (const [name, cmd] of Object.entries(commands)) {
  const reps = name.startsWith('grep') ? Math.floor(n / 4) : n;
  const plain = [], srt = [];
  for (let i = 0; i < reps + 10; i++) {
    let s = performance.now();
    const p = spawnSync('bash', ['-c', cmd], { cwd: ws });
    if (p.status !== 0) throw new Error('plain failed: ' + p.stderr);
    if (i >= 10) plain.push(performance.now() - s);
    s = performance.now();
    const wrapped = await SandboxManager.wrapWithSandbox(cmd);
    const q = spawnSync('bash', ['-c', wrapped], { cwd: ws });
    if (q.status !== 0) throw new Error('srt failed: ' + q.stderr);
    if (i >= 10) srt.push(performance.now() - s);
  }
  console.log(`${name}\tnode-spawn ${median(plain).toFixed(3)}\tsrt ${median(srt).toFixed(3)}`);
}
await SandboxManager.reset();

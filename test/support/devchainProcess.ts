/**
 * A chain that runs as its own process: `cxt devchain` (hardhat's EDR network served over JSON-RPC
 * on loopback) started by the test, so a service or CLI under test talks to it only over HTTP, as it
 * would to BNB Chain, and killing one does not touch the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { JsonRpcProvider } from 'ethers';
import { BIN, ROOT } from '../cli/support.ts';

export interface DevchainProcess {
  readonly url: string;
  readonly process: ChildProcess;
  readonly provider: JsonRpcProvider;
  /** JSON-RPC straight to the node (evm_snapshot, evm_revert, evm_mine, …). */
  readonly rpc: (method: string, params?: unknown[]) => Promise<unknown>;
  readonly stop: () => Promise<void>;
}

export const startDevchainProcess = (args: readonly string[] = []): Promise<DevchainProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'devchain', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cxt devchain did not print its RPC_URL within 60 s: ${err}`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`cxt devchain exited with ${code}: ${err}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^RPC_URL=(\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1]!;
      const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
      resolve({
        url,
        process: child,
        provider,
        rpc: (method, params = []) => provider.send(method, params),
        stop: () =>
          new Promise((done) => {
            provider.destroy();
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    });
  });

/**
 * An injected EIP-1193 wallet (window.ethereum): connect, check the chain, send a claim and wait
 * for it to be mined. The page never holds a key: the wallet signs.
 */
export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

declare global {
  interface Window {
    ethereum?: Eip1193;
  }
}

export const wallet = (): Eip1193 | undefined => window.ethereum;

export const connect = async (w: Eip1193): Promise<string> => {
  const accounts = (await w.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts[0]) throw new Error('the wallet shared no account');
  return accounts[0].toLowerCase();
};

/** Sends a transaction from the connected account to `to` and resolves once mined (rejects on a revert). */
export const sendAndWait = async (w: Eip1193, tx: { from: string; to: string; data: string; chainId: number }, onSent: (hash: string) => void): Promise<void> => {
  const chainId = Number(BigInt((await w.request({ method: 'eth_chainId' })) as string));
  if (chainId !== tx.chainId) throw new Error(`the wallet is on chain ${chainId}; the distributor is on chain ${tx.chainId}: switch networks and try again`);
  const hash = (await w.request({ method: 'eth_sendTransaction', params: [{ from: tx.from, to: tx.to, data: tx.data }] })) as string;
  onSent(hash);
  for (;;) {
    const receipt = (await w.request({ method: 'eth_getTransactionReceipt', params: [hash] })) as { status: string } | null;
    if (receipt) {
      if (BigInt(receipt.status) !== 1n) throw new Error(`the claim transaction ${hash} reverted`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
};

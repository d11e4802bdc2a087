/**
 * `cxt asset register --asset ADDRESS [--data-dir DIR]`: what POST /v1/assets does — the address
 * must hold an ERC-20 on the configured chain; its symbol and decimals are read from it and recorded.
 */
import { Address } from '../../../domain/index.ts';
import { assetPort } from '../../service/assetPort.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { parseFlags, requiredText, text } from '../flags.ts';
import { refused, withCore } from '../operator/withCore.ts';

export const assetRegisterCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { asset: requiredText('<address>'), 'data-dir': text('DIR') });
    const asset = Address.decode(flags.asset);
    if (asset._tag === 'Left') throw new UsageError(`--asset ${flags.asset} ${asset.left[0]?.message ?? 'is not an address'}`);
    return withCore(flags['data-dir'], process.env, async ({ assets, view }) => {
      const r = await assetPort(assets, view).register(asset.right);
      if (r.status === 'refused') return refused(io, r.refusal);
      if (r.status === 'unavailable') return refused(io, { code: 'CHAIN_UNAVAILABLE', message: r.message });
      const a = r.asset as { asset: string; symbol: string; decimals: number };
      io.stdout(`${r.status === 'accepted' ? 'registered' : 'already registered'}: ${a.asset} ${a.symbol} (${a.decimals} decimals)`);
      return 0;
    });
  },
};
